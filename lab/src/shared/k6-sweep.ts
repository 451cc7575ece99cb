/**
 * The sweep as k6 runs it (k6/sweep.ts), pure so that both k6 and Node run it: one
 * constant-arrival-rate scenario per offered rate, one after another (startTime
 * offsets), each tagged {rate}, and its summary read back per rate. k6 measures a
 * request from its actual send: its latency is the "uncorrected" figure; the corrected
 * one (from the intended send time) is not measured by k6. A request k6 could not
 * start on time for want of a free VU is a dropped iteration, reported as dropped.
 *
 * Type-only imports: k6 mounts lab/src/shared/ alone.
 */

export interface K6SweepPlan {
  /** Offered rates, requests/s, run in this order. */
  rates: number[];
  /** Each rate's sending window, ms. */
  stepMs: number;
  /** Most requests in flight: preAllocatedVUs = maxVUs (one keep-alive connection each). */
  connections: number;
  /** Per-request timeout, ms; also each scenario's gracefulStop. */
  timeoutMs: number;
  /** Quiet time between one rate's end (graceful stop included) and the next one's start, ms. */
  gapMs: number;
}

/** The subset of k6's scenario options a sweep step sets (structurally k6's ConstantArrivalRateScenario). */
export interface K6RateScenario {
  executor: 'constant-arrival-rate';
  rate: number;
  timeUnit: string;
  duration: string;
  preAllocatedVUs: number;
  maxVUs: number;
  startTime: string;
  gracefulStop: string;
  tags: Record<string, string>;
}

/** A scenario's name for a rate ("rate_12_5" for 12.5 req/s): k6 accepts letters, digits, _ and -. */
export function rateScenarioName(rate: number): string {
  return `rate_${String(rate).replace('.', '_')}`;
}

/** One constant-arrival-rate scenario per rate; rate i starts when rate i-1 and its graceful stop ended, plus the gap. */
export function rateScenarios(plan: K6SweepPlan): Record<string, K6RateScenario> {
  const out: Record<string, K6RateScenario> = {};
  let startMs = 0;
  for (const rate of plan.rates) {
    // k6's rate is an integer per timeUnit: a fractional rate is run per 1000 s.
    const whole = Number.isInteger(rate);
    out[rateScenarioName(rate)] = {
      executor: 'constant-arrival-rate',
      rate: whole ? rate : Math.round(rate * 1000),
      timeUnit: whole ? '1s' : '1000s',
      duration: `${plan.stepMs}ms`,
      preAllocatedVUs: plan.connections,
      maxVUs: plan.connections,
      startTime: `${startMs}ms`,
      gracefulStop: `${plan.timeoutMs}ms`,
      tags: { rate: String(rate) },
    };
    startMs += plan.stepMs + plan.timeoutMs + plan.gapMs;
  }
  return out;
}

/**
 * A rate's submetric: by the built-in scenario tag, which k6 sets on every sample of a
 * scenario, dropped_iterations included (the {rate} tag is for the Prometheus series).
 */
export function rateMetric(metric: string, rate: number): string {
  return `${metric}{scenario:${rateScenarioName(rate)}}`;
}

/** Submetrics per rate, so that k6's summary holds each rate's figures (a threshold that always passes creates them). */
export function rateThresholds(rates: readonly number[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of rates) {
    out[rateMetric('http_req_duration', r)] = ['max>=0'];
    out[rateMetric('http_reqs', r)] = ['count>=0'];
    out[rateMetric('http_req_failed', r)] = ['rate>=0'];
    out[rateMetric('dropped_iterations', r)] = ['count>=0'];
  }
  return out;
}

/** The trend statistics the summary must hold. */
export const SWEEP_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(50)', 'p(90)', 'p(99)', 'p(99.9)', 'count'];

/** One rate's figures as k6 measured them. */
export interface K6SweepStep {
  offeredRps: number;
  /** 2xx responses per second over the sending window. */
  achievedRps: number;
  /** Requests k6 sent. */
  sent: number;
  /** Of them, failed (status outside 2xx, timeout, socket error). */
  failed: number;
  /** Iterations k6 did not start (no free VU at their time). */
  dropped: number;
  durationMs: number;
  connections: number;
  /** From the actual send to the response's end, ms (k6's http_req_duration). */
  latencyMs: { count: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number };
}

export interface K6SweepSummary {
  generator: 'k6';
  target: string;
  steps: K6SweepStep[];
}

/** The part of k6's handleSummary data this reads. */
export interface SweepSummaryData {
  metrics: Record<string, { values: Record<string, number> } | undefined>;
}

const value = (data: SweepSummaryData, metric: string, stat: string): number => data.metrics[metric]?.values[stat] ?? 0;

/** Per rate: offered, achieved, dropped iterations and k6's latency percentiles. */
export function sweepSummary(data: SweepSummaryData, plan: K6SweepPlan, target: string): K6SweepSummary {
  return {
    generator: 'k6',
    target,
    steps: plan.rates.map((rate) => {
      const sent = value(data, rateMetric('http_reqs', rate), 'count');
      const failed = Math.round(value(data, rateMetric('http_req_failed', rate), 'rate') * sent);
      const d = rateMetric('http_req_duration', rate);
      return {
        offeredRps: rate,
        achievedRps: (sent - failed) / (plan.stepMs / 1000),
        sent,
        failed,
        dropped: value(data, rateMetric('dropped_iterations', rate), 'count'),
        durationMs: plan.stepMs,
        connections: plan.connections,
        latencyMs: {
          count: sent,
          mean: value(data, d, 'avg'),
          p50: value(data, d, 'p(50)'),
          p90: value(data, d, 'p(90)'),
          p99: value(data, d, 'p(99)'),
          p999: value(data, d, 'p(99.9)'),
          max: value(data, d, 'max'),
        },
      };
    }),
  };
}
