/** LAB_INSTALL: whether the set-up step installs what is missing (auto) or only reports it (no). */
import { envValue, UsageError, type Env } from './values.js';

export type InstallPolicy = 'auto' | 'no';

export function installPolicy(env: Env): InstallPolicy {
  const raw = envValue(env, 'LAB_INSTALL') ?? 'auto';
  if (raw !== 'auto' && raw !== 'no') throw new UsageError(`LAB_INSTALL=${raw} is not accepted: expected auto (install what is missing when possible) or no (only report)`);
  return raw;
}
