/**
 * A latency distribution: an HDR histogram at microsecond resolution (pure-JS build)
 * plus the exact count, sum, min and max, read back in milliseconds.
 */
import { build, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../model/report-model.js';
import { CURVE_PERCENTILES } from './stats.js';
import { round } from '../model/numbers.js';

/** One hour in microseconds: anything longer is recorded as one hour. */
const HIGHEST_US = 3_600_000_000;

export class LatencyDistribution {
  readonly #histogram: Histogram = build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
  #count = 0;
  #sumMs = 0;
  #minMs = Number.POSITIVE_INFINITY;
  #maxMs = 0;

  get count(): number {
    return this.#count;
  }

  record(ms: number): void {
    this.#count++;
    this.#sumMs += ms;
    if (ms < this.#minMs) this.#minMs = ms;
    if (ms > this.#maxMs) this.#maxMs = ms;
    const us = Math.round(ms * 1000);
    this.#histogram.recordValue(us < 1 ? 1 : us > HIGHEST_US ? HIGHEST_US : us);
  }

  /** Latency at a percentile (0..100), ms; the exact min and max at 0 and 100; 0 when empty. */
  at(percentile: number): number {
    if (this.#count === 0) return 0;
    if (percentile <= 0) return round(this.#minMs, 3);
    if (percentile >= 100) return round(this.#maxMs, 3);
    // The histogram answers with its bucket's highest equivalent value, which may
    // exceed the exact max by up to 0.1 %: never report more than was measured.
    return round(Math.min(this.#histogram.getValueAtPercentile(percentile) / 1000, this.#maxMs), 3);
  }

  mean(): number {
    return this.#count === 0 ? 0 : round(this.#sumMs / this.#count, 3);
  }

  summary(): LatencySummary {
    return {
      mean: this.mean(),
      p50: this.at(50),
      p90: this.at(90),
      p95: this.at(95),
      p99: this.at(99),
      max: this.at(100),
    };
  }

  /** [percentile, ms] pairs, dense in the tail, for charts. Empty when nothing was recorded. */
  curve(): [number, number][] {
    if (this.#count === 0) return [];
    return CURVE_PERCENTILES.map((p): [number, number] => [p, this.at(p)]);
  }
}
