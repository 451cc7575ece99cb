/**
 * Readers for single environment variables: each returns a typed value or
 * throws a ConfigError naming the variable, the value and what is accepted.
 *
 * An empty value counts as unset, so `PORT=` in a compose file means the default.
 */
import { ConfigError } from './config-error.js';

export type Env = Readonly<Record<string, string | undefined>>;

const DIGITS = /^[0-9]+$/;

/** The raw value of a variable, or undefined when it is unset or empty. */
export function readRaw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

export function describeRange({ min, max }: IntegerRange): string {
  return `an integer from ${min} to ${max}`;
}

/** Parses a decimal integer within a range; anything else throws. */
export function parseInteger(name: string, raw: string, range: IntegerRange): number {
  const value = DIGITS.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw ConfigError.expected(name, raw, describeRange(range));
  }
  return value;
}

export function readInteger(env: Env, name: string, range: IntegerRange, fallback: number): number {
  const raw = readRaw(env, name);
  return raw === undefined ? fallback : parseInteger(name, raw, range);
}

export function readOptionalInteger(env: Env, name: string, range: IntegerRange): number | undefined {
  const raw = readRaw(env, name);
  return raw === undefined ? undefined : parseInteger(name, raw, range);
}

export function describeChoices(choices: readonly string[]): string {
  return `one of ${choices.join(', ')}`;
}

export function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = readRaw(env, name);
  if (raw === undefined) return fallback;
  const choice = choices.find((candidate) => candidate === raw);
  if (choice === undefined) throw ConfigError.expected(name, raw, describeChoices(choices));
  return choice;
}

/** A string that must match a pattern; `accepted` describes the pattern in words. */
export function readOptionalMatching(env: Env, name: string, pattern: RegExp, accepted: string): string | undefined {
  const raw = readRaw(env, name);
  if (raw !== undefined && !pattern.test(raw)) throw ConfigError.expected(name, raw, accepted);
  return raw;
}
