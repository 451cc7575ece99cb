/**
 * Every variable a user gives the lab (the make variables), as data: which commands
 * use it and what it is for. The CLI checks a command's environment against this
 * table before anything else runs, so a variable the command would ignore is refused
 * with one line saying where it applies, and an empty value (`MODE=`) is refused
 * instead of being read as "unset". The values themselves are validated by the
 * parsers of lab-options.ts, sweep-options.ts and install-policy.ts (all gathered by lab-config.ts).
 */
import { UsageError } from './usage-error.js';
import type { Env } from './values.js';
import { MAX_WORKERS, MODES } from '../topologies.js';

/** Commands that take variables; down, ps, logs and help read RUNTIME alone and refuse nothing. */
export type CheckedCommand = 'up' | 'bench' | 'compare' | 'sweep' | 'scale' | 'resilience' | 'setup';

/** The commands that load a topology with the scenario. */
const SCENARIO: readonly CheckedCommand[] = ['bench', 'compare', 'sweep', 'scale', 'resilience'];
const SWEEP: readonly CheckedCommand[] = ['sweep'];
const EVERY: readonly CheckedCommand[] = ['up', ...SCENARIO];

export interface LabVariable {
  readonly name: string;
  readonly commands: readonly CheckedCommand[];
  /** What a value looks like, for the line that refuses an empty one. */
  readonly accepted: string;
}

const row = (name: string, commands: readonly CheckedCommand[], accepted: string): LabVariable => ({ name, commands, accepted });

export const LAB_VARIABLES: readonly LabVariable[] = [
  row('MODE', EVERY, `one of ${MODES.join(', ')} (comma-separated for several)`),
  row('WORKERS', EVERY, `an integer from 1 to ${MAX_WORKERS}`),
  row('REQUESTS', SCENARIO, 'an integer from 1 to 10000000'),
  row('CONCURRENCY', SCENARIO, 'an integer from 1 to 10000'),
  row('TARGET_PATH', SCENARIO, 'a path starting with /, e.g. /heavy'),
  row('WARMUP', SCENARIO, 'an integer from 0 to 100000 (requests per serving process in one warm-up window; 0: no warm-up)'),
  row('WARMUP_MIN', SCENARIO, 'an integer from 0 to 1000000 (requests each serving process serves before it can count as warm)'),
  row('REPEAT', ['bench', 'compare', 'scale', 'resilience'], 'auto (repeat until the 95% interval is within ±3%) or an integer from 1 to 100'),
  row('DURATION', ['bench'], 'whole seconds from 1 to 3600'),
  row('RUNTIME', EVERY, 'auto, native, docker, swarm or kubernetes'),
  row('SWARM_INIT', ['up'], 'yes (create a one-node swarm when the engine is in none) or no'),
  row('NODE', EVERY, 'the path of a node binary'),
  row('LAB_INSTALL', [...EVERY, 'setup'], 'auto or no'),
  row('RATES', SWEEP, 'comma-separated request rates per second, e.g. 50,100,200'),
  row('SLO_P99_MS', SWEEP, 'milliseconds, e.g. 100'),
  row('STEP_SECONDS', SWEEP, 'seconds from 0.5 to 60'),
  row('SWEEP_CONNECTIONS', SWEEP, 'an integer from 1 to 10000'),
  row('APP_CPUS', ['up'], 'a positive number of CPUs, e.g. 2 or 1.5'),
];

/** Where a variable applies, for the refusal line: "bench", "bench and compare", "up, bench and sweep". */
function commandList(commands: readonly string[]): string {
  const names = commands.map((c) => `\`${c}\``);
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/**
 * Refuses, with one line, the first variable `command` would not use, and any lab
 * variable given empty. Variables the lab does not know are left alone: the
 * environment holds many that are not the user's words to the lab.
 */
export function checkVariables(command: CheckedCommand, env: Env): void {
  for (const variable of LAB_VARIABLES) {
    const raw = env[variable.name];
    if (raw === undefined) continue;
    if (raw.trim() === '') {
      throw new UsageError(`${variable.name} is empty: expected ${variable.accepted}, or leave it out for the default`);
    }
    if (!variable.commands.includes(command)) {
      throw new UsageError(`${variable.name}=${raw.trim()} is not used by \`${command}\`: it applies to ${commandList(variable.commands)}`);
    }
  }
}
