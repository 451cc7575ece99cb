/**
 * The open-model runner against servers with a known service time S and K parallel
 * slots (capacity μ = K / S), on real sockets. Tolerances are generous: timers on a
 * shared 2-core machine fire late by a few ms. (The capacity search against the same
 * servers: capacity.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runOpenLoad } from '../../src/runner/open-model.js';
import { startSlotServer } from './slot-server.js';

describe('open-model load', () => {
  it('achieves the offered rate below capacity, nothing dropped, latency near the service time', async () => {
    // S = 20 ms, K = 4: μ = 200 req/s; offered 50 and 100 (25 %, 50 %).
    const server = await startSlotServer({ serviceMs: 20, slots: 4 });
    try {
      for (const rate of [50, 100]) {
        const r = await runOpenLoad({ url: server.url('/'), rate, durationMs: 2000, connections: 50 });
        assert.equal(r.scheduled, rate * 2);
        assert.equal(r.sent, r.scheduled);
        assert.equal(r.dropped, 0);
        assert.equal(r.errors.total + r.unfinished, 0);
        assert.ok(Math.abs(r.achievedRps - rate) <= 0.1 * rate, `offered ${rate}, achieved ${r.achievedRps}`);
        assert.ok(r.latencyMs.p50 >= 19, `p50 ${r.latencyMs.p50} below the service time`);
        assert.ok(r.latencyMs.p50 < 60, `p50 ${r.latencyMs.p50} at ${rate} req/s: queueing where D/D/K has none`);
        assert.ok(r.latencyMs.p99 >= r.uncorrectedMs.p99 - 0.001, 'corrected below uncorrected');
        assert.ok(r.generatorCpuSeconds > 0);
      }
    } finally {
      await server.close();
    }
  });

  it('measures from the intended send time: corrected latency exceeds uncorrected once the server stalls', async () => {
    // One connection, 100 req/s for 3 s, the server stalls for 1 s after 1 s: about 100
    // requests fall due during the stall and wait in the generator. A closed loop (the
    // uncorrected figure) sees one slow request; users arriving on schedule waited up to 1 s.
    const server = await startSlotServer({ serviceMs: 1, slots: 1 });
    const stall = setTimeout(() => server.pause(1000), 1000);
    try {
      const r = await runOpenLoad({ url: server.url('/'), rate: 100, durationMs: 3000, connections: 1 });
      assert.equal(r.dropped, 0);
      assert.ok(r.queuedForConnection >= 50, `${r.queuedForConnection} requests waited for the connection`);
      assert.ok(r.latencyMs.p99 > 500, `corrected p99 ${r.latencyMs.p99}`);
      assert.ok(r.uncorrectedMs.p99 < 100, `uncorrected p99 ${r.uncorrectedMs.p99}`);
      assert.ok(r.latencyMs.max >= r.uncorrectedMs.max);
    } finally {
      clearTimeout(stall);
      await server.close();
    }
  });

  it('counts requests it could not send when every connection is busy as dropped, never skips them', async () => {
    // 5 connections, each request held 5 s; 50 req/s for 1 s with 0.5 s to drain.
    const server = await startSlotServer({ serviceMs: 5000, slots: 100 });
    try {
      const r = await runOpenLoad({ url: server.url('/'), rate: 50, durationMs: 1000, connections: 5, drainMs: 500 });
      assert.equal(r.scheduled, 50);
      assert.equal(r.sent, 5);
      assert.equal(r.dropped, 45);
      assert.equal(r.unfinished, 5);
      assert.equal(r.responses, 0);
      assert.equal(r.sent + r.dropped, r.scheduled);
      assert.ok(server.counts.maxInFlight <= 5, `server saw ${server.counts.maxInFlight} at once`);
    } finally {
      await server.close();
    }
  });

  it('rejects a bad rate in one line', async () => {
    await assert.rejects(runOpenLoad({ url: 'http://127.0.0.1:1/', rate: 0, durationMs: 1000, connections: 1 }), /rate must be a positive number/);
  });
});
