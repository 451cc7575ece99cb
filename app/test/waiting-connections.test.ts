import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { countWaitingConnections, parseTcpLine } from '../src/http/waiting-connections.js';

describe('waiting connections (Linux /proc)', () => {
  it('parses a /proc/net/tcp row: local port, state, receive queue, inode', () => {
    const row = '   3: 0100007F:0BB8 00000000:0000 0A 00000000:00000032 00:00000000 00000000  1000        0 1234567 1 0000000000000000 100 0 0 10 0';
    assert.deepEqual(parseTcpLine(row), { localPort: 3000, listening: true, established: false, receiveQueue: 50, inode: '1234567' });
    assert.equal(parseTcpLine(''), undefined);
  });

  it('counts connections a holder accepted but has not handed on; not those the acceptor holds', { skip: process.platform !== 'linux' }, async (t) => {
    const accepted: Socket[] = [];
    const server = createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
    const address = server.address();
    assert.ok(address !== null && typeof address === 'object');
    const { port } = address;
    const client = connect({ port, host: '127.0.0.1' });
    t.after(() => {
      client.destroy();
      for (const socket of accepted) socket.destroy();
      server.close();
    });
    while (accepted.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    assert.equal(countWaitingConnections({ port, holders: [process.pid], acceptor: process.pid }), 0);
    // As a round-robin primary sees it: accepted, still here, no worker has it.
    assert.equal(countWaitingConnections({ port, holders: [process.pid] }), 1);
  });
});
