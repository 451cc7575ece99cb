/**
 * The lab's configuration, parsed once from the environment the CLI hands in: every
 * variable a command takes, validated before anything starts, each with whether it
 * was given or defaulted. A bad value is one line naming the variable, its value and
 * what is accepted (a UsageError). Only what a command takes is read, so a stray
 * variable never blocks `ps`, `logs` or `down` (they read RUNTIME alone), and a
 * variable a command would ignore is refused by name first (variables.ts).
 */
import { appCpus, DEFAULT_APP_CPUS } from './docker-options.js';
import { installPolicy, type InstallPolicy } from './install-policy.js';
import { durationSeconds, readOptions, runtimeChoice, swarmInit, type LabOptions, type RuntimeChoice } from './lab-options.js';
import { locationsFrom, type Locations } from './locations.js';
import { readSweepOptions, type SweepOptions } from './sweep-options.js';
import { checkVariables, LAB_VARIABLES, type CheckedCommand } from './variables.js';
import type { Env } from './values.js';

/** Commands that read no variable but RUNTIME. */
export type UncheckedCommand = 'help' | 'down' | 'ps' | 'logs';
export type ConfigCommand = CheckedCommand | UncheckedCommand;

export interface LabConfig {
  readonly command: ConfigCommand;
  /** MODE, WORKERS, the scenario's overrides, REPEAT, NODE (defaults where the command takes none). */
  readonly options: Readonly<LabOptions>;
  /** RUNTIME: auto, native, docker, swarm or kubernetes. */
  readonly runtime: RuntimeChoice;
  /** LAB_INSTALL: what the set-up step may do. */
  readonly installPolicy: InstallPolicy;
  /** DURATION (bench): seconds of back-to-back runs instead of REPEAT. */
  readonly durationSeconds: number | undefined;
  /** RATES, SLO_P99_MS, STEP_SECONDS, SWEEP_CONNECTIONS (sweep only; undefined for the others). */
  readonly sweep: Readonly<SweepOptions> | undefined;
  /** APP_CPUS (up only; its default elsewhere). */
  readonly appCpus: number;
  /** SWARM_INIT (up only): whether `up RUNTIME=swarm` may create a one-node swarm. */
  readonly swarmInit: boolean;
  /** Where results, state and the binaries are. */
  readonly locations: Locations;
  /** For every variable the lab accepts: true when it was given (and so validated), false when defaulted. */
  readonly given: Readonly<Record<string, boolean>>;
}

/** Commands that load a topology with the scenario, and so take the lab's options. */
const TAKES_OPTIONS: readonly ConfigCommand[] = ['up', 'bench', 'compare', 'sweep', 'scale', 'resilience'];

const isChecked = (command: ConfigCommand): command is CheckedCommand => command !== 'help' && command !== 'down' && command !== 'ps' && command !== 'logs';

/**
 * The configuration `command` runs with, every value it takes parsed here once, in
 * the order a user meets their refusals: variables the command does not take, then
 * the lab's options, LAB_INSTALL, then each command's own (APP_CPUS, DURATION, the sweep's).
 */
export function parseLabConfig(env: Env, command: ConfigCommand): LabConfig {
  if (isChecked(command)) checkVariables(command, env);
  const takesOptions = TAKES_OPTIONS.includes(command);
  const options = readOptions(takesOptions ? env : {});
  const config: LabConfig = {
    command,
    options: Object.freeze(options),
    runtime: takesOptions ? options.runtime : command === 'help' || command === 'setup' ? 'auto' : runtimeChoice(env),
    installPolicy: takesOptions || command === 'setup' ? installPolicy(env) : 'auto',
    appCpus: command === 'up' ? appCpus(env) : DEFAULT_APP_CPUS,
    swarmInit: command === 'up' ? swarmInit(env) : false,
    durationSeconds: command === 'bench' ? durationSeconds(env) : undefined,
    sweep: command === 'sweep' ? Object.freeze(readSweepOptions(env)) : undefined,
    locations: locationsFrom(env),
    given: Object.freeze(Object.fromEntries(LAB_VARIABLES.map((v) => [v.name, env[v.name] !== undefined && env[v.name]?.trim() !== '']))),
  };
  return Object.freeze(config);
}
