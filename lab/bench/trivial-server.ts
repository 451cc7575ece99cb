/**
 * The benchmark's target, run in its own process so that its CPU never mixes with the
 * load generator's: a node:http server answering "hello world". Reports its port over
 * IPC and exits when its parent disconnects.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((_req, res) => {
  res.end('hello world');
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => {
  server.close();
  server.closeAllConnections();
});
