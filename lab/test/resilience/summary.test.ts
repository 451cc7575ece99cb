/** The pure parts of the resilience rounds: failure kinds, socket tables, full strength, the report's rows and text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureKind as classifyError, statusFailure as classifyStatus } from '../../src/runner/outcome.js';
import { acceptQueue, heldBy, heldByOthers, listener, parseListenQueues, parseSs } from '../../src/resilience/socket-table.js';
import { atFullStrength, drainText, missingSlots, resilienceWarnings, verdict } from '../../src/resilience/summary.js';
import { victimSlot } from '../../src/resilience/rounds.js';
import { formatResilienceTable } from '../../src/report/resilience-terminal.js';
import { renderResilienceHtml } from '../../src/report/resilience-html.js';
import { repeatsOf, resilienceFixture } from './fixture.js';
import { describeFailures, noFailures } from '../../src/model/resilience.js';

describe('failure kinds', () => {
  it('undici and system codes: refused, reset, timeout, other', () => {
    assert.equal(classifyError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), 'refused');
    assert.equal(classifyError(Object.assign(new Error('x'), { code: 'ECONNRESET' })), 'reset');
    assert.equal(classifyError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })), 'reset');
    assert.equal(classifyError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' })), 'timeout');
    assert.equal(classifyError(Object.assign(new Error('x'), { cause: { code: 'ECONNREFUSED' } })), 'refused', 'a wrapped system error');
    assert.equal(classifyError(new Error('no code')), 'other');
    assert.equal(classifyError(null), 'other');
  });

  it('statuses: 2xx answered, 5xx and 4xx apart', () => {
    assert.equal(classifyStatus(200), null);
    assert.equal(classifyStatus(204), null);
    assert.equal(classifyStatus(503), '5xx');
    assert.equal(classifyStatus(502), '5xx');
    assert.equal(classifyStatus(404), '4xx');
  });

  it('describes counts in a fixed order, "none" when empty', () => {
    assert.equal(describeFailures(noFailures()), 'none');
    assert.equal(describeFailures({ ...noFailures(), refused: 3, reset: 1, '5xx': 2 }), '1 reset, 3 refused, 2 5xx');
  });
});

describe('socket tables', () => {
  const SS = [
    'LISTEN 12     511    127.0.0.1:3002  0.0.0.0:*  users:(("node",pid=100,fd=20))',
    'LISTEN 0      511    127.0.0.1:9200  0.0.0.0:*  users:(("node",pid=101,fd=21))',
    'LISTEN 0      511    127.0.0.1:9201  0.0.0.0:*  users:(("node",pid=102,fd=21))',
    'ESTAB  0      0      127.0.0.1:3002  127.0.0.1:50000  users:(("node",pid=101,fd=30))',
    'ESTAB  0      0      127.0.0.1:3002  127.0.0.1:50001  users:(("node",pid=100,fd=31))',
    'ESTAB  0      0      127.0.0.1:3002  127.0.0.1:50002  users:(("node",pid=100,fd=32))',
    'ESTAB  0      0      127.0.0.1:50000 127.0.0.1:3002   users:(("node",pid=7,fd=40))',
    'TIME-WAIT 0   0      127.0.0.1:3002  127.0.0.1:49999',
    '',
  ].join('\n');

  it('ss: accept queue, who holds what, who listens', () => {
    const rows = parseSs(SS);
    assert.equal(acceptQueue(rows, [3002]), 12);
    assert.equal(heldBy(rows, [3002], 101), 1);
    assert.equal(heldByOthers(rows, 3002, [101, 102]), 2, 'the primary (100) holds two not yet handed over');
    assert.equal(listener(rows, 9201), 102);
    assert.equal(listener(rows, 9202), null);
  });

  it('/proc/net/tcp: the accept queue of listening sockets only', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:0BBA 00000000:0000 0A 00000000:0000002D 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
      '   1: 0100007F:0BBA 0100007F:C350 01 00000000:00000010 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0',
    ].join('\n');
    assert.deepEqual(parseListenQueues(text), [{ port: 3002, queue: 45 }]);
  });
});

describe('full strength', () => {
  it('every slot served, and a new process where the round replaced it', () => {
    const before = [10, 11];
    assert.equal(atFullStrength([10, 11], before, new Set()), true);
    assert.equal(atFullStrength([10, null], before, new Set([1])), false);
    assert.equal(atFullStrength([10, 11], before, new Set([1])), false, 'slot 1 still the killed pid');
    assert.equal(atFullStrength([10, 12], before, new Set([1])), true);
    assert.equal(atFullStrength([10, 12], before, new Set([0, 1])), false, 'a rolling restart replaces slot 0 too');
    assert.deepEqual(missingSlots([10, null], before, new Set([0, 1])), [0, 1]);
    assert.equal(victimSlot(1), 0);
    assert.equal(victimSlot(4), 3);
  });
});

describe('the report', () => {
  const report = resilienceFixture();
  const cluster = report.topologies[1];
  assert.ok(cluster);

  it('verdicts and drain text', () => {
    assert.equal(verdict(cluster.rounds[1] ?? assert.fail()), 'zero loss');
    assert.equal(verdict(cluster.rounds[2] ?? assert.fail()), '7 lost (7 reset)');
    assert.equal(drainText({ graceful: 2, forced: 0 }, 2), '2 of 2 drained gracefully');
    assert.equal(drainText({ graceful: 1, forced: 1 }, 2), '1 of 2 drained gracefully, 1 forced by SHUTDOWN_TIMEOUT_MS');
  });

  it('warns about a round whose event fired with nothing queued', () => {
    const quiet = resilienceFixture();
    const r = quiet.topologies[0]?.rounds[0];
    assert.ok(r);
    r.waitingAtEvent = 0;
    assert.deepEqual(resilienceWarnings(quiet.topologies).length, 1);
    assert.deepEqual(resilienceWarnings(report.topologies), []);
  });

  it('terminal: one row per round, the unavailable topology, what each round did', () => {
    const text = formatResilienceTable(report);
    const rows = text.split('\n').filter((l) => /^(single|cluster|reuseport)\s/.test(l));
    assert.equal(rows.length, 7);
    assert.match(text, /^cluster\s+kill -9 of a worker\s+1\s+40\s+1288\s+1281\s+7\s+7 reset\s+452\s+yes$/m);
    assert.match(text, /^single\s+kill -9 of a worker\s+.*\s+–\s+no$/m);
    assert.match(text, /reuseport\s+unavailable\s+the app's Node lacks/);
    // The unavailable row's reason runs on past the columns: it does not widen "queued at event".
    assert.match(text, /^mode\s+round\s+run\s+queued at event {2}sent {2}/m);
    assert.match(text, /cluster rolling restart run 1: SIGHUP to the primary; /);
    assert.match(text, /^Repeats:$/m);
    assert.match(text, /cluster kill -9 of a worker: one run started from the verified state/);
  });

  it('HTML: escaped text, the data for both charts, schema in the JSON', () => {
    const html = renderResilienceHtml(report);
    assert.ok(html.includes('a note with &lt;markup&gt; &amp; &quot;quotes&quot;'));
    assert.ok(!html.includes('<markup>'));
    assert.ok(html.includes('chart-resilience-failed') && html.includes('chart-resilience-recovery'));
    assert.equal(report.schemaVersion, 2);
  });

  it('a run that could not reach the verified state: no figure in the table, a warning, its reason', () => {
    const unverified = resilienceFixture();
    const cluster2 = unverified.topologies[1];
    assert.ok(cluster2);
    const kill = cluster2.rounds[2];
    assert.ok(kill);
    Object.assign(kill, { verified: false, verification: 'not in the verified state after 25 s: through nginx worker 7, slot(s) 1 never answered', note: 'not run: …', sent: 0, answered: 0, failedTotal: 0, failed: noFailures() });
    cluster2.repeats = repeatsOf(cluster2.rounds);
    const text = formatResilienceTable(unverified);
    assert.match(text, /^cluster\s+kill -9 of a worker\s+1\s+–\s+–\s+–\s+no figure\s+not run: state not verified/m);
    assert.doesNotMatch(text, /^cluster\s+kill -9 of a worker\s+1\s+\d/m, 'no count is printed for it');
    assert.ok(resilienceWarnings(unverified.topologies).some((w) => w.startsWith('cluster kill-worker run 1: not run, no figure: not in the verified state')));
    assert.equal(verdict(kill), 'not run (state not verified)');
    assert.match(text, /cluster kill -9 of a worker: no run started from the verified state/);
  });
});
