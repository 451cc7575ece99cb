/**
 * How one variable's value is read: trimmed (empty counts as unset), and refused
 * with one line naming the variable, its value and what is accepted (a UsageError).
 * The integer rule is the scenario's (shared/scenario-rules.ts, which k6 runs too).
 */
import { envValue, integer as scenarioInteger, type Env } from '../shared/scenario-rules.js';
import { usage, UsageError } from './usage-error.js';

export { envValue, UsageError, type Env };

export function integer(env: Env, name: string, min: number, max: number): number | undefined {
  return usage(() => scenarioInteger(env, name, min, max));
}

/** A decimal number from min to max (`what` names its unit in the refusal). */
export function decimal(env: Env, name: string, min: number, max: number, what: string): number | undefined {
  const raw = envValue(env, name);
  if (raw === undefined) return undefined;
  const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name}=${raw} is not accepted: expected ${what} from ${min} to ${max}`);
  return n;
}
