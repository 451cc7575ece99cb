/**
 * Test ids and file-name timestamps, one rule for the lab and k6 (pure code, no
 * import: the k6 container mounts lab/src/shared/ whole).
 */

/** UTC time to the second, safe in a file name and a Prometheus label: 2026-12-03T13-45-07Z. */
export function fileStamp(when: Date): string {
  return when.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/** The test id of one run: mode, time, and the repetition when there are several. */
export function testId(mode: string, when: Date, repetition?: number): string {
  return `${mode}-${fileStamp(when)}${repetition === undefined ? '' : `-r${repetition}`}`;
}

/** Test ids for one command's measured runs: each mode's runs numbered from 1 (-r1, -r2, …). */
export function runIds(): (mode: string) => string {
  const runs = new Map<string, number>();
  return (mode) => {
    const n = (runs.get(mode) ?? 0) + 1;
    runs.set(mode, n);
    return testId(mode, new Date(), n);
  };
}
