#!/usr/bin/env node
/**
 * The lab's command line; the Makefile's targets call it. Inputs come from the
 * environment (the make variables), so `make bench MODE=cluster` and
 * `MODE=cluster node lab/dist/cli.js bench` are the same thing. It parses, chooses the
 * runtime and dispatches: one entry per command in COMMANDS, each a call of commands/
 * (written once against the Runtime interface, core/runtime.ts) with the runtime this
 * file constructs, the one place that knows native/ and docker/.
 */
import { availableParallelism } from 'node:os';
import { requireCapability } from './commands/capability.js';
import { bench } from './commands/bench.js';
import { compare } from './commands/compare.js';
import { resilience } from './commands/resilience.js';
import { scalableMode, scale } from './commands/scale.js';
import { down, logs, ps, up } from './commands/stack.js';
import { sweep } from './commands/sweep.js';
import { parseLabConfig, type LabConfig } from './config/lab-config.js';
import { refuseForDocker, refuseForNative, requireMode } from './config/refusals.js';
import { runtimeChoice } from './config/lab-options.js';
import { UsageError } from './config/usage-error.js';
import type { CheckedCommand } from './config/variables.js';
import { hasCapability, type Capability, type Runtime, type RuntimeName, type RuntimeWith } from './core/runtime.js';
import { dockerRuntime } from './docker/docker-runtime.js';
import { defaultContext, dockerAvailable, runningServices } from './docker/engine.js';
import { hostPorts } from './docker/stack.js';
import { swarmStackRuns } from './docker/swarm.js';
import { SWARM_STACK_NAME } from './docker/swarm-stack.js';
import { EXIT_FAILURE, EXIT_USAGE } from './exit-codes.js';
import { kubernetesRuntimeFor, refuseOnKubernetes } from './kubernetes/command.js';
import { nativeRuntime, type NativeOptions } from './native/native-runtime.js';
import { defaultAppNode, requireNodeBinary } from './native/node-binary.js';
import { scenarioFor } from './scenario-file.js';
import { ensureSetup } from './setup/ensure.js';
import { blockedLine } from './setup/plan.js';
import { PURPOSES, type Purpose } from './setup/requirements.js';
import { DEFAULT_DOCKER_WORKERS, MODES } from './topologies.js';

/** The help text; Docker's host ports are read from the compose model, never repeated here. */
function helpText(): string {
  return `Node.js clustering lab

Usage: make <target> [VARIABLE=value …]
       (every target but install, build, test, generate, k8s and bench-* is also node lab/dist/cli.js <target>)

Targets:
  up        start every topology (and Prometheus; Grafana too with Docker), print the URLs
  bench     one topology, warmed to a steady state, repeated until its interval is tight: make bench MODE=cluster
  compare   every topology, one after the other: warmed to a steady state, then repeated; every figure with its
            95% interval; writes results/compare.{json,html}
  sweep     open-model load at a series of rates per topology: latency from each request's intended
            send time, the knee, capacity at the objective, CPU per request; results/sweep.{json,html}
            (native: the lab's runner; docker: k6 constant-arrival-rate when its image exists, else the runner)
  scale     one topology at WORKERS=1..cores, closed loop, each size warmed and repeated, with a Universal
            Scalability Law fit and its intervals; results/scale.{json,html} (native): make scale MODE=cluster
  resilience  per topology under the seed load: a graceful stop, a rolling restart, a kill -9 of one
            worker; requests lost by kind, time back to full strength; results/resilience.{json,html}
            (docker: on the stack make up started)
  down      stop everything the lab started
  ps        what is running
  logs      where the logs are (native) or docker compose logs
  setup     install what the lab needs and is missing (OS packages, Node 24, Prometheus 3): make setup PURPOSE=test
  help      this text
  test      the whole test suite (make test); installs what the tests need first
  generate  regenerate docker-compose.yml and the Grafana dashboard JSON
  k8s       render the Kubernetes manifests into deploy/kubernetes/ and validate them offline (nothing is
            applied: docs/kubernetes.md)
  bench-instrumentation   the cost of the app's metrics (METRICS=on against off)
  bench-generator         the load runner's CPU per request against autocannon's
  bench-refusals          how fast each bad input is refused (exit code, the one line, ms)

Variables:
  MODE         ${MODES.join(', ')} (compare, sweep, resilience: a comma-separated subset)
  WORKERS      processes per multi-process topology (default: available parallelism natively, ${DEFAULT_DOCKER_WORKERS} in Docker, set at up)
  REQUESTS, CONCURRENCY, TARGET_PATH   override k6/scenario.json (1200, 200, /heavy)
  REPEAT       repetitions per topology: auto (default: until the req/s 95% interval is within ±3%,
               3 to 10, within 30 s per topology) or a number
  WARMUP       requests per serving process in one warm-up window (default 400 from k6/scenario.json; 0: none)
  WARMUP_MIN   requests each serving process serves before its warm-up can end (default 12000 from
               k6/scenario.json: V8 optimises Node's HTTP stack after ~10,700; docs/steady-state.md)
  DURATION     bench: run back to back for this many seconds instead of REPEAT times
  RUNTIME      auto (docker when this lab's Compose stack is up, swarm when its Swarm stack is, else
               native; \`up\`: docker when an engine answers), native, docker or swarm (every command but
               scale, on a Docker Swarm: docker-stack.yml), or kubernetes (compare and
               bench on the current kubectl context, KUBECTL names another kubectl: docs/kubernetes.md)
  SWARM_INIT   up with RUNTIME=swarm: yes creates a one-node swarm when the engine is in none (default no)
  NODE         node binary that runs the app natively (default: Node 24 from tools/node24, the image's)
  LAB_INSTALL  auto (install what is missing when root or passwordless sudo allows) or no (only report)
  RATES        sweep: comma-separated offered rates, req/s (default: from a closed-loop capacity probe)
  SLO_P99_MS   sweep: the objective, p99 in ms (default 100)
  STEP_SECONDS sweep: seconds per rate (default 4)
  SWEEP_CONNECTIONS  sweep: most requests in flight (default 200)
  (scale: WORKERS is the largest worker count, default the cores, larger ones not fitted)
  Docker only:
  APP_CPUS     CPU limit of every app container (default 2, capped at the engine's CPUs)
  host ports   ${hostPorts({}).map((p) => `${p.variable} (${p.port})`).join(', ')}:
               a busy one stops \`up\` with one line naming it
  GRAFANA_ADMIN_PASSWORD  read only when the grafana-data volume is first created (default admin)
`;
}

/**
 * `lab setup [lab|up|test]`: installs what that purpose needs and is missing. What it
 * cannot install is one line with the command that does, and exit 1, before anything runs.
 */
function setup(purpose: string, config: LabConfig): void {
  if (!(PURPOSES as readonly string[]).includes(purpose)) {
    throw new UsageError(`setup ${purpose} is not accepted: expected one of ${PURPOSES.join(', ')}`);
  }
  const { blocked } = ensureSetup(purpose as Purpose, config);
  if (blocked.length > 0) {
    process.stderr.write(`lab: ${blockedLine(blocked)}\n`);
    process.exitCode = EXIT_FAILURE;
  }
}

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** The runtimes constructed here; Kubernetes' takes kubectl's preflight first (kubernetes/command.ts) and runs compare and bench alone. */
type LocalRuntimeName = Exclude<RuntimeName, 'kubernetes'>;
const LOCAL_RUNTIMES: readonly LocalRuntimeName[] = ['native', 'docker', 'swarm'];

/**
 * The one place a runtime is constructed (construction does no I/O: what the runtime
 * reads, it reads when a command asks). Without options, a runtime that only says
 * what it declares, or runs down, ps and logs.
 */
function construct(name: LocalRuntimeName, options: { native?: NativeOptions; workers?: number; swarmInit?: boolean } = {}): Runtime {
  switch (name) {
    case 'native':
      return nativeRuntime(options.native);
    case 'docker':
      return dockerRuntime(defaultContext(), options.workers, options.swarmInit);
    case 'swarm':
      return dockerRuntime({ ...defaultContext(), swarmStack: SWARM_STACK_NAME }, options.workers, options.swarmInit);
  }
}

/** The runtimes that declare a capability: the ones its refusal names. */
const runners = (capability: Capability): RuntimeName[] => LOCAL_RUNTIMES.filter((name) => hasCapability(construct(name), capability));

/**
 * RUNTIME, resolved: auto means Docker only when this lab's Compose stack is up (its
 * services run), so a fresh clone measures natively whether or not an engine runs;
 * `up` (starting is its job) means Docker whenever an engine answers; a command only
 * the native runtime runs (scale) means native, nothing probed. The first line says
 * which runtime and why.
 */
async function chooseRuntime(command: string, config: LabConfig, capability?: Capability): Promise<RuntimeName> {
  const choice = config.runtime;
  if (choice !== 'auto') return choice;
  if (capability !== undefined && runners(capability).every((name) => name === 'native')) return 'native';
  if (!(await dockerAvailable())) {
    say(`RUNTIME=auto: native (no Docker engine answers${command === 'up' ? '' : '; the Docker stack is `make up` with an engine running'})`);
    return 'native';
  }
  if (command === 'up') {
    say('RUNTIME=auto: docker (a Docker engine answers; RUNTIME=native starts local processes instead)');
    return 'docker';
  }
  const services = await runningServices(defaultContext());
  if (services.length > 0) {
    say(`RUNTIME=auto: docker (this lab's Compose stack is up, ${services.length} services running; RUNTIME=native to measure local processes)`);
    return 'docker';
  }
  if (await swarmStackRuns(defaultContext())) {
    say(`RUNTIME=auto: swarm (this lab's Swarm stack ${SWARM_STACK_NAME} runs; RUNTIME=native to measure local processes)`);
    return 'swarm';
  }
  say("RUNTIME=auto: native (a Docker engine answers but this lab's stack is not up: `make up` starts it)");
  return 'native';
}

/**
 * The set-up step of a native command, then its options: the app's Node is resolved
 * after set-up installed Node 24, so a first run and a second run measure the same Node.
 */
function setUpNative(config: LabConfig, purpose: Purpose): NativeOptions {
  const setupResult = ensureSetup(purpose, config);
  const { options } = config;
  return { ...options, modes: options.modes === undefined ? undefined : [...options.modes], node: options.node ?? defaultAppNode(), setup: setupResult };
}

/**
 * The runtime a command runs with. Options are read only by commands that take them
 * (ps, logs and down read RUNTIME alone, so a stray bad variable never blocks them).
 * A command only some runtimes run is refused on one that does not declare it, before
 * anything is set up.
 */
async function runtimeFor(command: string, config: LabConfig, refused: { mode?: boolean; workers?: boolean } = {}, capability?: Capability): Promise<Runtime> {
  const takesOptions = command !== 'ps' && command !== 'logs';
  const name = await chooseRuntime(command, config, capability);
  // compare and bench alone: main() refused every other command on Kubernetes first.
  if (name === 'kubernetes') return kubernetesRuntimeFor(command, config);
  if (capability !== undefined) requireCapability(construct(name), capability, runners(capability));
  if (name === 'docker' || name === 'swarm') {
    if (takesOptions) refuseForDocker(command, config, refused);
    return construct(name, { workers: config.options.workersGiven ? config.options.workers : DEFAULT_DOCKER_WORKERS, swarmInit: config.swarmInit });
  }
  if (!takesOptions) return construct('native');
  refuseForNative(command, config, process.env);
  return construct('native', { native: setUpNative(config, command === 'up' ? 'up' : 'lab') });
}

/** The runtime of a command only some runtimes run (its capability has the command's name). */
async function runtimeWith<C extends Capability>(command: C, config: LabConfig): Promise<RuntimeWith<C>> {
  return requireCapability(await runtimeFor(command, config, { workers: true }, command), command, runners(command));
}

/**
 * Every runtime `down` stops: native, then (Docker when it answers, unless RUNTIME=native)
 * the Compose stack and the Swarm stack where a swarm runs it, so nothing is left behind
 * whichever started it.
 */
async function* runtimesToStop(config: LabConfig): AsyncGenerator<Runtime> {
  yield construct('native');
  if (config.runtime === 'native' || !(await dockerAvailable())) return;
  if (config.runtime !== 'swarm') yield construct('docker');
  // The Swarm stack too, where a swarm runs it (RUNTIME=auto or swarm).
  if (config.runtime === 'swarm' || (await swarmStackRuns(defaultContext()))) yield construct('swarm');
}

/**
 * Every value a command takes, validated before anything starts (set-up, builds,
 * engines): the configuration (config/lab-config.ts), `up`'s host ports, then NODE's
 * binary (it must exist before Node 24 is installed for nothing).
 */
function readConfig(command: Exclude<CheckedCommand, 'setup'>): LabConfig {
  const config = parseLabConfig(process.env, command);
  if (command === 'up') hostPorts(process.env);
  if (config.options.node !== undefined) requireNodeBinary(config.options.node);
  return config;
}

/** Every command, one entry each: a new command is one more line. */
const COMMANDS: Readonly<Record<string, (args: readonly string[]) => unknown>> = {
  help: () => process.stdout.write(helpText()),
  setup: ([purpose = 'lab']) => setup(purpose, parseLabConfig(process.env, 'setup')),
  up: async () => {
    const config = readConfig('up');
    return up(await runtimeFor('up', config, { mode: true }), config.options.modes);
  },
  bench: async () => {
    const config = readConfig('bench');
    const mode = requireMode(config, 'bench');
    const plan = { scenario: scenarioFor(config.options), repeat: config.options.repeat, durationSeconds: config.durationSeconds };
    return bench(await runtimeFor('bench', config, { workers: true }), mode, plan);
  },
  compare: async () => {
    const config = readConfig('compare');
    const plan = { scenario: scenarioFor(config.options), repeat: config.options.repeat, modes: config.options.modes };
    return compare(await runtimeFor('compare', config, { workers: true }), plan);
  },
  down: async () => down(runtimesToStop(parseLabConfig(process.env, 'down'))),
  ps: async () => ps(await runtimeFor('ps', parseLabConfig(process.env, 'ps'))),
  logs: async () => logs(await runtimeFor('logs', parseLabConfig(process.env, 'logs'))),
  sweep: async () => {
    const config = readConfig('sweep');
    const options = config.sweep;
    if (options === undefined) throw new Error('sweep: its options were not read');
    const runtime = await runtimeWith('sweep', config);
    return sweep(runtime, { scenario: scenarioFor(config.options), modes: config.options.modes, sweep: options });
  },
  resilience: async () => {
    const config = readConfig('resilience');
    const runtime = await runtimeWith('resilience', config);
    return resilience(runtime, { scenario: scenarioFor(config.options), modes: config.options.modes, repeat: config.options.repeat });
  },
  scale: async () => {
    const config = readConfig('scale');
    const mode = scalableMode(requireMode(config, 'scale'));
    // Each size is a different WORKERS, which in Docker is a new `make up WORKERS=n`: only the native runtime declares scale.
    const runtime = await runtimeWith('scale', config);
    return scale(runtime, mode, {
      scenario: scenarioFor(config.options),
      maxWorkers: config.options.workersGiven ? config.options.workers : availableParallelism(),
      repeat: config.options.repeat,
    });
  },
};

async function main(command = 'help'): Promise<void> {
  const name = command === '--help' || command === '-h' ? 'help' : command;
  const run = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!run) throw new UsageError(`unknown command ${command}: expected ${Object.keys(COMMANDS).join(', ')}`);
  if (name !== 'help' && name !== 'setup' && runtimeChoice(process.env) === 'kubernetes') refuseOnKubernetes(name);
  await run(process.argv.slice(3));
}

main(process.argv[2]).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`lab: ${message}\n`);
  process.exit(error instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE);
});
