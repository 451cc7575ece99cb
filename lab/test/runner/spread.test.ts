/**
 * A DNS round-robin client: the connections spread over the addresses of one host name
 * (connection i to address i mod n), each request still naming the service in its Host
 * header. Two real servers on one port of two loopback addresses stand in for two tasks.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { connectionOrigin } from '../../src/runner/load-core.js';
import { runLoad } from '../../src/runner/run-load.js';

interface Task { server: Server; sockets: number; hosts: Set<string>; requests: number }
const tasks: Task[] = [];
after(() => {
  for (const t of tasks) t.server.close();
});

async function task(address: string, port: number): Promise<Task> {
  const t: Task = { server: createServer(), sockets: 0, hosts: new Set(), requests: 0 };
  t.server.on('connection', () => t.sockets++);
  t.server.on('request', (req, res) => {
    t.requests++;
    t.hosts.add(req.headers.host ?? '');
    res.setHeader('x-worker', address);
    res.end('ok');
  });
  t.server.listen(port, address);
  await once(t.server, 'listening');
  tasks.push(t);
  return t;
}

test('connections spread evenly over the addresses, the Host header naming the service', async () => {
  const first = await task('127.0.0.1', 0);
  const port = (first.server.address() as AddressInfo).port;
  const second = await task('127.0.0.2', port);
  const result = await runLoad({ url: `http://app-replica.test:${port}/heavy`, requests: 400, concurrency: 8, addresses: ['127.0.0.1', '127.0.0.2'] });
  assert.equal(result.errors.total, 0);
  assert.equal(first.sockets, 4);
  assert.equal(second.sockets, 4);
  assert.deepEqual([...first.hosts, ...second.hosts], [`app-replica.test:${port}`, `app-replica.test:${port}`]);
  assert.equal(first.requests + second.requests, 400);
  assert.deepEqual(Object.keys(result.perWorker).sort(), ['127.0.0.1', '127.0.0.2'], 'both tasks answered');
});

test('an address that is not an IP is refused with the option named', async () => {
  await assert.rejects(runLoad({ url: 'http://x.test:1/', requests: 1, concurrency: 1, addresses: ['app-replica'] }), /addresses: expected IP addresses, got app-replica/);
});

test('a connection to an address keeps the scheme and port; IPv6 in brackets', () => {
  assert.equal(connectionOrigin('http://app-replica:3000', '10.0.1.3'), 'http://10.0.1.3:3000');
  assert.equal(connectionOrigin('http://app-replica:3000', 'fd00::3'), 'http://[fd00::3]:3000');
  assert.equal(connectionOrigin('http://app-replica:3000', undefined), 'http://app-replica:3000');
});
