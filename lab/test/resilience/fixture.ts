/** A resilience report shaped like a run on a 2-core machine: every kind of outcome once. Deterministic. */
import { repeatVerdict } from '../../src/resilience/repeat.js';
import { type FailureCounts, noFailures, RESILIENCE_SCHEMA_VERSION, type ResilienceReport, ROUND_KINDS, type RoundResult, totalFailures } from '../../src/model/resilience.js';
import { MACHINE } from '../report/fixture.js';

function round(kind: RoundResult['kind'], sent: number, failed: Partial<FailureCounts>, extra: Partial<RoundResult>): RoundResult {
  const counts = { ...noFailures(), ...failed };
  const failedTotal = totalFailures(counts);
  return {
    kind,
    run: 1,
    verified: true,
    verification: 'verified: 12 probe connections through the primary reached slot(s) 0, 1; warm-up spread slot 0: 200, slot 1: 200',
    action: kind === 'graceful-stop' ? 'SIGTERM' : kind === 'rolling-restart' ? 'SIGHUP to the primary' : 'SIGKILL to one worker',
    applicable: true,
    sent,
    answered: sent - failedTotal,
    failed: counts,
    failedTotal,
    waitingAtEvent: 40,
    victimConnections: null,
    actionMs: 800,
    fullStrengthMs: null,
    slotsBack: null,
    drains: null,
    slots: 2,
    note: 'a note with <markup> & "quotes"',
    ...extra,
  };
}

/** One verdict per round kind from the rounds given. */
export function repeatsOf(rounds: readonly RoundResult[]): ReturnType<typeof repeatVerdict>[] {
  return ROUND_KINDS.filter((k) => rounds.some((r) => r.kind === k)).map((k) => repeatVerdict(k, rounds.filter((r) => r.kind === k)));
}

export function resilienceFixture(): ResilienceReport {
  const report: ResilienceReport = {
    schemaVersion: RESILIENCE_SCHEMA_VERSION,
    created: '2026-12-03T14:00:00.000Z',
    runtime: 'native',
    scenario: { path: '/heavy', requests: 1200, concurrency: 200, keepAlive: true, timeoutMs: 30000, warmupRequests: 400, steadyMinRequests: 0 },
    machine: MACHINE,
    topologies: [
      {
        mode: 'single',
        title: 'single process',
        workers: 1,
        available: true,
        reason: null,
        repeats: [],
        rounds: [
          round('graceful-stop', 230, {}, { slots: 1, drains: { graceful: 1, forced: 0 } }),
          round('rolling-restart', 3365, { reset: 199, refused: 848 }, { slots: 1, fullStrengthMs: 890, slotsBack: true, drains: { graceful: 1, forced: 0 } }),
          round('kill-worker', 1200, { reset: 200, refused: 954 }, { slots: 1, victimConnections: 185, slotsBack: false }),
        ],
      },
      {
        mode: 'cluster',
        title: 'node:cluster (round-robin)',
        workers: 2,
        available: true,
        reason: null,
        repeats: [],
        rounds: [
          round('graceful-stop', 260, {}, { drains: { graceful: 2, forced: 0 } }),
          round('rolling-restart', 6422, {}, { fullStrengthMs: 2400, slotsBack: true, drains: { graceful: 2, forced: 0 } }),
          round('kill-worker', 1288, { reset: 7 }, { victimConnections: 101, fullStrengthMs: 452, slotsBack: true }),
        ],
      },
      { mode: 'reuseport', title: 'reusePort instances', workers: 2, available: false, reason: "the app's Node lacks listen({ reusePort })", rounds: [], repeats: [] },
    ],
    warnings: ['single graceful-stop: a warning with <markup>'],
  };
  for (const t of report.topologies) t.repeats = repeatsOf(t.rounds);
  return report;
}
