/**
 * The seed tutorial's loadtest summary, rebuilt from a RunResult:
 *
 *   Target URL:          http://localhost:3000/heavy
 *   Max requests:        1200
 *   …
 *    100%      3327 ms (longest request)
 *
 * Without loadtest's timestamp/INFO prefix. Pure code with no Node import: the k6
 * script imports this very file, so both runtimes print the same block. Error buckets are listed under
 * "Total errors" when there are any, as loadtest lists its error codes.
 */
import type { RunResult } from '../model/report-model.js';

/** What the block prints: a native RunResult, or the summary k6 builds (k6/handle-summary.ts). */
export type SeedBlockInput = Pick<RunResult, 'target' | 'requests' | 'concurrency' | 'keepAlive' | 'completed' | 'errors' | 'totalTimeMs' | 'rps' | 'latencyMs'>;

const LABEL_WIDTH = 21; // "Requests per second: " is the longest label.

export function formatSeedBlock(result: SeedBlockInput): string {
  const { errors, latencyMs } = result;
  const field = (label: string, value: string | number): string => `${`${label}:`.padEnd(LABEL_WIDTH)}${value}`;
  const lines = [
    field('Target URL', result.target),
    field('Max requests', result.requests),
    field('Concurrency level', result.concurrency),
    field('Agent', result.keepAlive === false ? 'none' : 'keepalive'),
    '',
    field('Completed requests', result.completed),
    field('Total errors', errors.total),
  ];
  if (errors.total > 0) {
    if (errors.non2xx > 0) lines.push(`   non-2xx:  ${errors.non2xx}`);
    if (errors.socket > 0) lines.push(`   socket:   ${errors.socket}`);
    if (errors.timeout > 0) lines.push(`   timeout:  ${errors.timeout}`);
  }
  lines.push(
    field('Total time', `${result.totalTimeMs / 1000} s`),
    field('Requests per second', Math.round(result.rps)),
    field('Mean latency', `${latencyMs.mean.toFixed(1)} ms`),
    '',
    'Percentage of the requests served within a certain time',
    percentLine(50, latencyMs.p50),
    percentLine(90, latencyMs.p90),
    percentLine(95, latencyMs.p95),
    percentLine(99, latencyMs.p99),
    `${percentLine(100, latencyMs.max)} (longest request)`,
  );
  return `${lines.join('\n')}\n`;
}

function percentLine(percent: number, ms: number): string {
  return `${`${percent}%`.padStart(5)}      ${formatMs(ms)} ms`;
}

/** Whole milliseconds like loadtest, with two decimals below 10 ms where whole ones say nothing. */
function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : String(Math.round(ms));
}
