/**
 * The pure parts of the Docker resilience target: the socket listing the container's
 * own node prints (run here on this host's /proc, as it runs in a container), docker
 * inspect's pid lines, and the app's drain and rolling-restart lines in container logs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { countDrainLines, parseContainerPids, parseContainerSockets, rollingRestartOutcome, SOCKETS_SCRIPT } from '../../src/docker/container-sockets.js';
import { listener } from '../../src/resilience/socket-table.js';

describe('container sockets', () => {
  it('the script finds who listens on a port (here: this test process) and parses as socket rows', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const res = spawnSync(process.execPath, ['-e', SOCKETS_SCRIPT, String(port)], { encoding: 'utf8' });
      assert.equal(res.status, 0, res.stderr);
      const rows = parseContainerSockets(res.stdout);
      assert.equal(listener(rows, port), process.pid);
      assert.ok(rows.every((r) => r.localPort === port));
    } finally {
      server.close();
    }
  });

  it('states: ESTAB and LISTEN by name, others by their hex code', () => {
    assert.deepEqual(parseContainerSockets('[["0A",3,3000,7],["01",0,3000,8,9],["06",0,3000]]\n'), [
      { state: 'LISTEN', recvQ: 3, localPort: 3000, pids: [7] },
      { state: 'ESTAB', recvQ: 0, localPort: 3000, pids: [8, 9] },
      { state: '06', recvQ: 0, localPort: 3000, pids: [] },
    ]);
    assert.deepEqual(parseContainerSockets(''), []);
  });

  it('docker inspect lines: a running container\'s host pid, null for a stopped one', () => {
    const pids = parseContainerPids('/lab-app-replica-1 true 4242\n/lab-app-replica-2 false 0\n');
    assert.deepEqual([...pids], [['lab-app-replica-1', 4242], ['lab-app-replica-2', null]]);
  });

  it('drain lines and the rolling restart outcome in container logs (JSON or text lines)', () => {
    const logs = 'app-1  | {"msg":"Stopped gracefully in 12 ms (accepted 0 waiting connection(s) before closing the listener)"}\napp-1  | Stop forced by the 10000 ms deadline: 3 open\n';
    assert.deepEqual(countDrainLines(logs), { graceful: 1, forced: 1 });
    assert.deepEqual(rollingRestartOutcome('app-1  | {"msg":"Rolling restart complete in 812 ms"}'), { done: true, aborted: null });
    assert.deepEqual(rollingRestartOutcome('app-1  | {"msg":"Rolling restart aborted: the new worker for slot 1 (pid 9) exited"}'), { done: false, aborted: 'Rolling restart aborted: the new worker for slot 1 (pid 9) exited' });
    assert.deepEqual(rollingRestartOutcome('nothing yet'), { done: false, aborted: null });
  });
});
