/**
 * Which cores the load generator gets and which the app, decided from the machine's
 * core count alone (a pure function: the native runtime applies it, the report says it).
 *
 * From 4 cores on, the generator gets cores of its own, the highest-numbered: one (the
 * lab's runner is one JavaScript thread), two from 8 cores on (the runner beside
 * Prometheus and the /proc exporter); the app gets the rest, so that its figures are
 * not lowered by the CPU the measuring takes. Below 4 cores a split would leave the
 * app one or two, too few to show what clustering buys: generator and app share every
 * core, and the report says how much of the machine the generator took per run.
 */

export interface CpuSplit {
  /** Cores (0-based, as taskset numbers them) of the load generator and the lab's own tools. */
  generator: number[];
  /** Cores of the app's processes. */
  app: number[];
}

/** Fewest cores at which the generator gets its own. */
export const MIN_CORES_TO_SPLIT = 4;

export function cpuSplit(cores: number): CpuSplit | null {
  if (!Number.isSafeInteger(cores) || cores < 1) throw new RangeError(`cores: expected a positive integer, got ${String(cores)}`);
  if (cores < MIN_CORES_TO_SPLIT) return null;
  const generatorCores = cores >= 8 ? 2 : 1;
  const all = Array.from({ length: cores }, (_, i) => i);
  return { generator: all.slice(cores - generatorCores), app: all.slice(0, cores - generatorCores) };
}

/** A core list as taskset -c and Docker's cpuset take it: [0,1,2,5] → "0-2,5". */
export function coreList(cores: readonly number[]): string {
  const sorted = [...new Set(cores)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const first = sorted[i] as number;
    let last = first;
    while (sorted[i + 1] === last + 1) last = sorted[++i] as number;
    parts.push(last === first ? String(first) : `${first}-${last}`);
  }
  return parts.join(',');
}

/** The machine facts' line: what runs where. */
export function describeCpuSplit(cores: number): string {
  const split = cpuSplit(cores);
  if (split === null) return `the load generator shares all ${cores} cores with the app (a split needs ${MIN_CORES_TO_SPLIT} or more); its share of the machine is reported per run`;
  return `load generator on core${split.generator.length > 1 ? 's' : ''} ${coreList(split.generator)}, the app on cores ${coreList(split.app)} (of ${cores})`;
}
