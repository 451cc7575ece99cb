/**
 * The process's environment, read here and in cli.ts only. Children inherit it
 * (inheritedEnv); where the lab's files and binaries are (locations) is read from it
 * once, on first use, by the rules of locations.ts.
 */
import { locationsFrom, type Locations } from './locations.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** The environment a child process starts with: this process's, plus `extra`. */
export function inheritedEnv(extra: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}

let cached: Locations | undefined;

/** Where results, state and the binaries are for this process (RESULTS_DIR, LAB_STATE_DIR, NGINX, …): read once. */
export function locations(): Locations {
  return (cached ??= locationsFrom(process.env));
}
