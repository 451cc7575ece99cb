/**
 * The seed's CPU-bound task and the validation of its `?n=` override.
 */

/** The seed's loop: `total++` `iterations` times, on the event loop. */
export function countTo(iterations: number): number {
  let total = 0;
  for (let i = 0; i < iterations; i++) {
    total++;
  }
  return total;
}

export interface HeavyLimits {
  /** Iterations when `?n=` is absent (HEAVY_ITERATIONS). */
  readonly defaultIterations: number;
  /** The largest `?n=` accepted (HEAVY_MAX). */
  readonly maxIterations: number;
}

export type IterationsProblem = 'not_an_integer' | 'out_of_range' | 'repeated';

/** The JSON body of a 400 answer to a bad `?n=`. */
export interface InvalidIterations {
  readonly error: 'invalid_query_parameter';
  readonly parameter: 'n';
  readonly problem: IterationsProblem;
  readonly value: unknown;
  readonly message: string;
}

export type IterationsRequest =
  | { readonly ok: true; readonly iterations: number }
  | { readonly ok: false; readonly invalid: InvalidIterations };

const SIGNED_INTEGER = /^[+-]?[0-9]+$/;

/** Reads `?n=` as parsed by Express (a string, an array when repeated, or an object). */
export function readIterations(n: unknown, limits: HeavyLimits): IterationsRequest {
  if (n === undefined) return { ok: true, iterations: limits.defaultIterations };
  const accepted = `an integer from 1 to ${limits.maxIterations}`;
  if (Array.isArray(n)) return invalid('repeated', n, `n must be given once, as ${accepted}`);
  if (typeof n !== 'string' || !SIGNED_INTEGER.test(n)) return invalid('not_an_integer', n, `n must be ${accepted}`);
  const iterations = Number(n);
  if (iterations < 1 || iterations > limits.maxIterations) return invalid('out_of_range', n, `n must be ${accepted}`);
  return { ok: true, iterations };
}

function invalid(problem: IterationsProblem, value: unknown, message: string): IterationsRequest {
  return { ok: false, invalid: { error: 'invalid_query_parameter', parameter: 'n', problem, value, message } };
}
