/**
 * Bad input from the user: one line naming the variable, its value and what is
 * accepted; the CLI exits with EXIT_USAGE. The scenario's rules (shared/, which k6
 * mounts) refuse a value with their own RefusedValue; usage() turns that into this.
 */
import { RefusedValue } from '../shared/scenario-rules.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Runs a reading of the scenario's rules, a value they refuse becoming a UsageError with the same line. */
export function usage<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RefusedValue) throw new UsageError(error.message);
    throw error;
  }
}
