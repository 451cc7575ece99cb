/** What the Docker nginx rotation reads from `docker inspect` and from /proc inside the nginx container. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProcPaths, parseReplicaAddresses } from '../../src/docker/nginx-rotation.js';

test('replica addresses from docker inspect: the leading slash dropped, the first network address kept', () => {
  const text = '/lab-app-replica-1 172.18.0.5 \n/lab-app-replica-2 172.18.0.6 10.0.0.2 \n/lab-app-replica-3 \n';
  assert.deepEqual(
    [...parseReplicaAddresses(text)],
    [
      ['lab-app-replica-1', '172.18.0.5'],
      ['lab-app-replica-2', '172.18.0.6'],
    ],
  );
});

test("nginx worker pids from grep -l's /proc paths; other lines ignored", () => {
  assert.deepEqual(parseProcPaths('/proc/7/cmdline\n/proc/31/cmdline\ngrep: /proc/self/cmdline: No such file\n'), [7, 31]);
});
