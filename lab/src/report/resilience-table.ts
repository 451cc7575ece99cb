/** The resilience table's columns and rows, shared by the terminal and the HTML report. */
import type { ResilienceReport, ResilienceTopology, RoundResult } from '../model/resilience.js';
import type { TextColumn } from './text-table.js';
import { describeFailures, fmtMs, REPEAT_RULE, ROUND_TITLES, slotsBackText, VERIFY_WAIT_MS } from '../model/resilience.js';

export const RESILIENCE_COLUMNS: readonly TextColumn[] = [
  { title: 'mode', align: 'left' },
  { title: 'round', align: 'left' },
  { title: 'run', align: 'right' },
  { title: 'queued at event', align: 'right' },
  { title: 'sent', align: 'right' },
  { title: 'answered 2xx', align: 'right' },
  { title: 'failed', align: 'right' },
  { title: 'failed by kind', align: 'left' },
  { title: 'full strength ms', align: 'right' },
  { title: 'slots back', align: 'right' },
];

export function roundRow(t: ResilienceTopology, r: RoundResult): string[] {
  // No figure for a run that did not start from the verified state: the cells say so.
  if (!r.verified) return [t.mode, ROUND_TITLES[r.kind], String(r.run), '–', '–', '–', 'no figure', 'not run: state not verified', '–', '–'];
  return [t.mode, ROUND_TITLES[r.kind], String(r.run), String(r.waitingAtEvent), String(r.sent), String(r.answered), String(r.failedTotal), describeFailures(r.failed), fmtMs(r.fullStrengthMs), slotsBackText(r)];
}

/** Every row of the report: one per round that ran, one [mode, '', reason] per topology that could not run. */
export function resilienceRows(report: ResilienceReport): { mode: string; cells: string[] }[] {
  return report.topologies.flatMap((t) =>
    t.available ? t.rounds.map((r) => ({ mode: t.mode, cells: roundRow(t, r) })) : [{ mode: t.mode, cells: [t.mode, 'unavailable', t.reason ?? ''] }],
  );
}

export function scenarioText(report: ResilienceReport): string {
  const s = report.scenario;
  return `GET ${s.path}: ${s.requests} requests over ${s.concurrency} ${s.keepAlive ? 'keep-alive' : 'non-keep-alive'} connections (at least; the load goes on until a restart or a replacement is over), timeout ${s.timeoutMs} ms, ${s.warmupRequests} warm-up requests; ${report.runtime === 'docker' ? 'every round on the running stack (what a round stopped or killed is started again before the next)' : 'every round on a freshly started topology'}`;
}

export const RESILIENCE_NOTES: readonly string[] = [
  `before each run: every slot serving and in rotation (probes through the front reach every slot, behind nginx through each of its workers, and no nginx worker of an earlier configuration is left), and the warm-up spread over the slots as in a steady run; a run that cannot get there within ${VERIFY_WAIT_MS / 1000} s is not run and has no figure.`,
  `run: ${REPEAT_RULE}.`,
  'queued at event: connections waiting for a worker (accept queues, or held by a round-robin primary) when the lab fired the event; the event waits until there is one.',
  'graceful stop: nothing new is sent from the signal on; every request sent before it should be answered. Rolling restart and kill: the load goes on throughout.',
  'failed by kind: reset (connection dropped under the request), refused (nothing listened), timeout (no answer in time), 5xx/4xx (an answer with that status). A client that failed waits 50 ms before its next request.',
  'full strength: from the event until every worker slot is served again by a live process (a new one where the round replaced it), seen on each slot\'s metrics port, which a draining process frees first.',
];
