/**
 * What a comparison may claim once each figure's uncertainty is known: which
 * differences the intervals support (and which they do not), which figures break a
 * physical limit (a fault of the measurement, never a finding), and in how many
 * repetitions each tail verdict held.
 */
import type { MachineInfo, ModeReport } from '../model/report-model.js';
import { differenceInterval, separation } from '../model/interval.js';
import { tailCandidates } from './explain.js';


/**
 * The multi-process modes by mean requests/s, each against the next: "X serves more than
 * Y: +6% (2–10%)" where Welch's interval of the difference excludes zero, else "X and Y
 * cannot be told apart on this machine (difference +1%, ±4%)".
 */
export function separationStatements(modes: readonly ModeReport[]): string[] {
  const ranked = modes
    .filter((m) => m.available && m.mode !== 'single' && m.intervals !== undefined && m.runsRps.length > 0)
    .sort((a, b) => (b.intervals?.rps.value ?? 0) - (a.intervals?.rps.value ?? 0));
  const out: string[] = [];
  for (let i = 0; i + 1 < ranked.length; i++) {
    const a = ranked[i];
    const b = ranked[i + 1];
    if (a === undefined || b === undefined) continue;
    const base = b.intervals?.rps.value ?? 0;
    if (base <= 0) continue;
    const d = differenceInterval(a.runsRps, b.runsRps);
    const rel = (v: number): string => `${v >= 0 ? '+' : ''}${(v / base * 100).toFixed(1)}%`;
    const half = Number.isFinite(d.high) ? `±${((d.high - d.low) / 2 / base * 100).toFixed(1)}%` : '±?';
    if (separation(a.runsRps, b.runsRps) === 'indistinguishable') {
      out.push(`${a.mode} and ${b.mode} cannot be told apart on this machine (difference ${rel(d.value)}, ${half}).`);
    } else {
      out.push(`${a.mode} serves more than ${b.mode}: ${rel(d.value)} (${rel(d.low)} to ${rel(d.high)}).`);
    }
  }
  return out;
}

/**
 * Figures beyond what the machine allows: a speedup whose whole interval lies above the
 * cores the app could use (efficiency above 100%). Each is a bug of the measurement (a
 * warm-up that did not reach steady state, an interfering process), reported as such.
 */
export function physicalFaults(modes: readonly ModeReport[], machine: MachineInfo): string[] {
  const out: string[] = [];
  for (const m of modes) {
    if (m.available && m.errors > 0) {
      // A refused or reset request returns at once: req/s over failures is no throughput.
      out.push(`${m.mode}: ${m.errors} of ${m.completed} requests failed in the median run: its req/s and speedup count failures, not a result (is every serving process reachable? \`make ps\`, \`make logs\`).`);
      continue;
    }
    const s = m.intervals?.speedup;
    if (!m.available || s === undefined) continue;
    const limit = Math.min(m.coresUsable, machine.availableParallelism);
    if (s.low > limit) {
      out.push(`${m.mode}: speedup ${s.value.toFixed(2)}× (${s.low.toFixed(2)}–${s.high.toFixed(2)}) is above the ${limit} core(s) it could use: a measurement fault (single below its steady state, or interference), not a result.`);
    }
  }
  return out;
}

/**
 * Speedups above the limit estimated once the load generator's CPU is taken out (the
 * figure in parentheses): not impossible (the estimate assumes single kept one core
 * fully busy and the generator's CPU competed with the app's), but worth a warning.
 */
export function limitCautions(modes: readonly ModeReport[]): string[] {
  const out: string[] = [];
  for (const m of modes) {
    const s = m.intervals?.speedup;
    if (!m.available || s === undefined || m.ceiling === undefined || s.low <= m.ceiling || s.low > m.coresUsable) continue;
    out.push(`${m.mode}: speedup ${s.value.toFixed(2)}× (${s.low.toFixed(2)}–${s.high.toFixed(2)}) is above the ${m.ceiling.toFixed(2)} estimated once the load generator's CPU is taken out: single may have run below one full core, or the estimate is off.`);
  }
  return out;
}

/** How many repetitions' own tail verdict names the same dominant effect as the report's. */
export function verdictHeld(median: ModeReport, perRepetition: readonly ModeReport[], single: ModeReport | undefined): { held: number; of: number } {
  const effect = tailCandidates(median, single)[0]?.effect;
  const held = perRepetition.filter((r) => tailCandidates(r, single)[0]?.effect === effect).length;
  return { held, of: perRepetition.length };
}

/** "held in 4 of 5 repetitions" for the verdict line. */
export function heldText(v: { held: number; of: number }): string {
  return v.of <= 1 ? 'one repetition' : `held in ${v.held} of ${v.of} repetitions`;
}

