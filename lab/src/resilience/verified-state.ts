/**
 * The state a round must start from before its event, checked rather than assumed:
 *
 *   1. the front is settled (nginx: no worker of an earlier configuration is left
 *      from a reload; target.frontProblems());
 *   2. every slot is in rotation: probes through the front reach every slot, and
 *      behind nginx through each of its worker processes, which each keep their own
 *      record of which upstreams failed (front-probe.ts);
 *   3. the load spreads as in a steady run: over the warm-up, every slot answered
 *      at least SPREAD_MIN_SHARE of its fair share, and nothing failed.
 *
 * The lab waits for that state (VERIFY_WAIT_MS at most, warming up again when the
 * spread is off); a round that cannot get there is reported as not run, with the
 * problems seen, instead of producing a figure.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunResult } from '../model/report-model.js';
import { runLoad } from '../runner/run-load.js';
import { probeFront, type ProbeConnection } from './front-probe.js';
import type { ResilienceTarget } from './target.js';
import { VERIFY_WAIT_MS } from '../model/resilience.js';

/** A slot's share of the warm-up must be at least this fraction of 1/slots. */
export const SPREAD_MIN_SHARE = 1 / 3;
/** The warm-up that shows the spread has at least this many requests per slot. */
const MIN_SPREAD_REQUESTS_PER_SLOT = 20;
/** Uneven warm-ups before the lab gives up on the spread. */
const MAX_UNEVEN_WARM_UPS = 3;
/** Waves of probe connections, at most, for every front worker to accept some. */
const PROBE_WAVES = 5;
const RETRY_MS = 250;
/** Probe connections per slot (connection-level balancers need several to reach every slot) and probes per connection. */
const PROBE_CONNECTIONS_PER_SLOT = 6;
const PROBES_PER_SLOT = 3;

export interface Verification {
  verified: boolean;
  /** What was checked and seen, or the problems left when the wait ran out. */
  text: string;
  /** ms spent reaching it (or giving up). */
  waitedMs: number;
}

export interface VerifySettings {
  url: string;
  warmupRequests: number;
  concurrency: number;
  waitMs?: number;
  log?: (line: string) => void;
}

const slotNames = (slots: number): string[] => Array.from({ length: slots }, (_, i) => String(i));

function seenText(connections: readonly ProbeConnection[]): string {
  const workers = [...new Set(connections.flatMap((c) => c.workers))].sort();
  return workers.length === 0 ? 'no slot' : `slot(s) ${workers.join(', ')}`;
}

/**
 * Problems in what the probes saw: a probe without a 2xx answer, a slot no probe
 * reached, and where the front has several processes (`frontWorkers`), a process
 * that accepted no probe or through which a slot was not reached.
 */
export function routingProblems(connections: readonly ProbeConnection[], slots: number, frontWorkers: readonly string[] | null, frontName = 'the front'): string[] {
  const problems: string[] = [];
  const failures = connections.flatMap((c) => c.failures);
  if (failures.length > 0) {
    const counts = new Map<string, number>();
    for (const f of failures) counts.set(f, (counts.get(f) ?? 0) + 1);
    problems.push(`${failures.length} probe(s) through ${frontName} got no 2xx answer (${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')})`);
  }
  const groups: [string, ProbeConnection[]][] = frontWorkers === null
    ? [[frontName, [...connections]]]
    : frontWorkers.map((w) => [`${frontName} worker ${w}`, connections.filter((c) => c.holder === w)]);
  for (const [name, held] of groups) {
    if (held.length === 0) {
      problems.push(`${name} accepted none of the ${connections.length} probe connections, so what it routes to is unknown`);
      continue;
    }
    const missing = slotNames(slots).filter((s) => !held.some((c) => c.workers.includes(s)));
    if (missing.length > 0) problems.push(`through ${name}, slot(s) ${missing.join(', ')} never answered (${held.length} connection(s), answered by ${seenText(held)}): not in rotation`);
  }
  return problems;
}

/** Problems in how the warm-up spread over the slots (its per-slot counts from X-Worker). */
export function spreadProblems(warmUp: Pick<RunResult, 'perWorker' | 'errors' | 'completed'>, slots: number): string[] {
  const problems: string[] = [];
  if (warmUp.errors.total > 0) problems.push(`${warmUp.errors.total} of the ${warmUp.completed} warm-up request(s) failed`);
  const answered = Object.values(warmUp.perWorker).reduce((a, b) => a + b, 0);
  const floor = (SPREAD_MIN_SHARE / slots) * answered;
  const low = slotNames(slots).filter((s) => (warmUp.perWorker[s] ?? 0) < floor);
  if (low.length > 0) problems.push(`the warm-up spread unevenly: ${spreadText(warmUp.perWorker, slots)}; each slot should answer at least ${Math.ceil(floor)} (${Math.round(SPREAD_MIN_SHARE * 100)} % of a fair share)`);
  return problems;
}

export function spreadText(perWorker: Readonly<Record<string, number>>, slots: number): string {
  return slotNames(slots).map((s) => `slot ${s}: ${perWorker[s] ?? 0}`).join(', ');
}

/** One look at the front and the routing (checks 1 and 2). */
async function routing(target: ResilienceTarget): Promise<{ problems: string[]; seen: string }> {
  const front = await target.frontProblems();
  const slotPids = await target.slotPids();
  const dead = slotPids.flatMap((pid, slot) => (pid === null ? [slot] : []));
  const problems = [...front, ...(dead.length > 0 ? [`slot(s) ${dead.join(', ')} have no live process`] : [])];
  const frontWorkers = await target.frontWorkers();
  const connections: ProbeConnection[] = [];
  // Connections opened at once often all go to the nginx worker that wakes first: open
  // more, in waves, until each worker has accepted some.
  for (let wave = 0; wave < PROBE_WAVES; wave++) {
    connections.push(...await probeFront(target.baseUrl, {
      connections: PROBE_CONNECTIONS_PER_SLOT * target.slots,
      requestsPerConnection: PROBES_PER_SLOT * target.slots,
      ...(frontWorkers === null ? {} : { holders: (ports) => target.frontHolders(ports) }),
    }));
    if (frontWorkers === null || frontWorkers.every((w) => connections.some((c) => c.holder === w))) break;
  }
  // Slots that all answer as worker 0 cannot be told apart here: the warm-up's per-slot counts check them.
  const identifiable = target.servedPerSlot === undefined;
  problems.push(...routingProblems(connections, identifiable ? target.slots : 1, frontWorkers, target.frontName).map((p) => (identifiable ? p : p.replace('slot(s) 0', 'any slot'))));
  if (!identifiable) {
    return { problems, seen: `${connections.length} probe connections through ${target.frontName} answered (its replicas all say worker 0: the warm-up's spread over them is read from each one's metrics)` };
  }
  const seen = frontWorkers === null
    ? `${connections.length} probe connections through ${target.frontName} reached ${seenText(connections)}`
    : `probes through each of ${target.frontName}'s ${frontWorkers.length} worker(s) reached every slot`;
  return { problems, seen };
}

/**
 * Waits (VERIFY_WAIT_MS at most) until the target is in the verified state, the
 * warm-up included: the round's load should start right after it resolves.
 */
export async function reachVerifiedState(target: ResilienceTarget, settings: VerifySettings): Promise<Verification> {
  const t0 = performance.now();
  const deadline = t0 + (settings.waitMs ?? VERIFY_WAIT_MS);
  let problems: string[] = [];
  let unevenWarmUps = 0;
  for (;;) {
    problems = (await routing(target)).problems;
    if (problems.length === 0) {
      // Enough requests to see a spread even where the scenario warms up with few or none.
      const requests = Math.max(settings.warmupRequests, MIN_SPREAD_REQUESTS_PER_SLOT * target.slots);
      const before = await target.servedPerSlot?.();
      const warm = await runLoad({ url: settings.url, requests, concurrency: Math.min(settings.concurrency, requests) });
      const after = await target.servedPerSlot?.();
      // Slots that all answer as worker 0: who served the warm-up, from each slot's own count.
      if (before !== undefined && after !== undefined) warm.perWorker = Object.fromEntries(after.map((n, i) => [String(i), n - (before[i] ?? 0)]));
      problems = spreadProblems(warm, target.slots);
      if (problems.length > 0) unevenWarmUps++;
      else {
        // The warm-up itself must not have disturbed the routing: one more look.
        const after = await routing(target);
        problems = after.problems;
        if (problems.length === 0) {
          return { verified: true, text: `verified: ${after.seen}; warm-up spread ${spreadText(warm.perWorker, target.slots)}`, waitedMs: performance.now() - t0 };
        }
      }
    }
    if (performance.now() > deadline || unevenWarmUps >= MAX_UNEVEN_WARM_UPS) break;
    settings.log?.(`${target.mode}: not yet in the verified state: ${problems.join('; ')}`);
    await sleep(RETRY_MS);
  }
  return { verified: false, text: `not in the verified state after ${Math.round((performance.now() - t0) / 1000)} s: ${problems.join('; ')}`, waitedMs: performance.now() - t0 };
}
