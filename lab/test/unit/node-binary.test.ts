/** reusePort support is the app's own rule, asked of the very Node binary that will run the app. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appRuntime } from '../../src/native/node-binary.js';
import { paths } from '../../src/paths.js';
import { UsageError } from '../../src/config/usage-error.js';

test('the lab\'s Node (20) lacks reusePort and says how to get one that has it', { skip: Number(process.versions.node.split('.')[0]) >= 22 ? 'the lab runs on a Node with reusePort' : false }, () => {
  const app = appRuntime(process.execPath);
  assert.equal(app.version, process.versions.node);
  assert.match(app.reusePortUnavailable ?? '', /lacks listen\(\{ reusePort \}\).*leave NODE unset to run the app on Node 24/);
});

test('Node 24 from tools/node24 runs reuseport', () => {
  const app = appRuntime(paths.node24);
  assert.match(app.version, /^24\./);
  assert.equal(app.reusePortUnavailable, null);
});

test('a NODE that is not a node binary is refused in one line', () => {
  assert.throws(() => appRuntime('/bin/false'), (e: unknown) => e instanceof UsageError && /^NODE=\/bin\/false is not accepted/.test(e.message));
});
