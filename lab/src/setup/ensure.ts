/**
 * The set-up step every command shares: plan what a purpose needs, install what
 * this machine allows, and hand back what is still missing, each with the exact
 * command that installs it.
 */
import { applySetup } from './apply.js';
import { systemHost, type Host } from './host.js';
import type { Locations } from '../config/locations.js';
import { planSetup, type Blocked, type InstallPolicy } from './plan.js';
import { requirements, type Purpose, type Requirement } from './requirements.js';

export interface SetupResult {
  /** Missing requirements the lab could not install here. */
  readonly blocked: readonly Blocked[];
}

/** What the set-up step is told by the lab's config: LAB_INSTALL, and where the binaries are looked for. */
export interface SetupConfig {
  readonly installPolicy: InstallPolicy;
  readonly locations: Pick<Locations, 'nginx' | 'prometheus' | 'promtool'>;
}

export interface SetupDeps {
  readonly host?: Host;
  readonly log?: (line: string) => void;
}

export function ensureSetup(purpose: Purpose, config: SetupConfig, deps: SetupDeps = {}): SetupResult {
  const host = deps.host ?? systemHost;
  const log = deps.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const plan = planSetup(purpose, requirements(config.locations), host, config.installPolicy);
  applySetup(plan, host, log);
  return { blocked: plan.blocked };
}

/** The blocked entry for one requirement, by name, if it is blocked. */
export function blockedRequirement(result: SetupResult, name: Requirement['name']): Blocked | undefined {
  return result.blocked.find((b) => b.requirement.name === name);
}
