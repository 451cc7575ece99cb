#!/usr/bin/env node
/**
 * The lab's command line; the Makefile's targets call it. Inputs come from the
 * environment (the make variables), so `make bench MODE=cluster` and
 * `MODE=cluster node lab/dist/cli.js bench` are the same thing.
 */
import { readOptions, runtimeChoice, UsageError, type LabOptions, type RuntimeChoice } from './options.js';
import { DEFAULT_WORKERS } from './docker/compose.js';
import { isMode, MODES, type Mode } from './topologies.js';
import { nativeBench, nativeCompare, nativeDown, nativePs, nativeUp, type NativeOptions } from './native/lab.js';
import { defaultAppNode } from './native/node-binary.js';
import { ensureSetup } from './setup/ensure.js';
import { blockedLine } from './setup/plan.js';
import { PURPOSES, type Purpose } from './setup/requirements.js';
import { dockerAvailable, dockerBench, dockerCompare, dockerDown, dockerLogs, dockerPs, dockerUp } from './docker/runtime.js';
import { logDir, readRegistry } from './native/processes.js';
import { nativeSweep } from './native/sweep.js';
import { nativeScale, scalableMode } from './native/scale.js';
import { readSweepOptions } from './sweep/options.js';
import { nativeResilience } from './resilience/native-resilience.js';
import { availableParallelism } from 'node:os';

const HELP = `Node.js clustering lab

Usage: make <target> [VARIABLE=value …]   (or: node lab/dist/cli.js <command>)

Targets:
  up        start every topology (and Prometheus; Grafana too with Docker), print the URLs
  bench     run the scenario against one topology REPEAT times: make bench MODE=cluster
  compare   every topology in one run, repetitions interleaved; writes results/compare.{json,html}
  sweep     open-model load at a series of rates per topology: latency from each request's intended
            send time, the knee, capacity at the objective, CPU per request; results/sweep.{json,html} (native)
  scale     one topology at WORKERS=1..2×cores, closed loop, with a Universal Scalability Law fit;
            results/scale.{json,html} (native): make scale MODE=cluster
  resilience  per topology under the seed load: a graceful stop, a rolling restart, a kill -9 of one
            worker; requests lost by kind, time back to full strength; results/resilience.{json,html} (native)
  down      stop everything the lab started
  ps        what is running
  logs      where the logs are (native) or docker compose logs
  setup     install what the lab needs and is missing (OS packages, Node 24): make setup PURPOSE=test
  help      this text
  test      the whole test suite (make test); installs what the tests need first
  generate  regenerate docker-compose.yml and the Grafana dashboard JSON
  bench-instrumentation   the cost of the app's metrics (METRICS=on against off)
  bench-generator         the load runner's CPU per request against autocannon's

Variables:
  MODE         ${MODES.join(', ')} (compare, sweep, resilience: a comma-separated subset)
  WORKERS      processes per multi-process topology (default: available parallelism natively, ${DEFAULT_WORKERS} in Docker)
  REQUESTS, CONCURRENCY, TARGET_PATH   override k6/scenario.json (1200, 200, /heavy)
  REPEAT       repetitions per topology (default 3)
  RUNTIME      auto (Docker when an engine answers, else native), native or docker
  NODE         node binary that runs the app natively (default: Node 24 from tools/node24, the image's)
  LAB_INSTALL  auto (install what is missing when root or passwordless sudo allows) or no (only report)
  RATES        sweep: comma-separated offered rates, req/s (default: from a closed-loop capacity probe)
  SLO_P99_MS   sweep: the objective, p99 in ms (default 100)
  STEP_SECONDS sweep: seconds per rate (default 4)
  SWEEP_CONNECTIONS  sweep: most requests in flight (default 200)
  (scale: WORKERS is the largest worker count, default 2 × cores; REPEAT defaults to 1)
`;

type Runtime = 'native' | 'docker';

/**
 * `lab setup [lab|up|test]`: installs what that purpose needs and is missing. What it
 * cannot install is one line with the command that does, and exit 1, before anything runs.
 */
function setup(purpose: string): void {
  if (!(PURPOSES as readonly string[]).includes(purpose)) {
    throw new UsageError(`setup ${purpose} is not accepted: expected one of ${PURPOSES.join(', ')}`);
  }
  const { blocked } = ensureSetup(purpose as Purpose);
  if (blocked.length > 0) {
    process.stderr.write(`lab: ${blockedLine(blocked)}\n`);
    process.exitCode = 1;
  }
}

async function chooseRuntime(choice: RuntimeChoice): Promise<Runtime> {
  if (choice !== 'auto') return choice;
  const docker = await dockerAvailable();
  const runtime: Runtime = docker ? 'docker' : 'native';
  process.stderr.write(`RUNTIME=auto: ${docker ? 'a Docker engine answers, using docker' : 'no Docker engine answers, using native'}\n`);
  return runtime;
}

function requireMode(options: LabOptions, command = 'bench'): Mode {
  const mode = options.modes?.[0];
  if (!mode || options.modes?.length !== 1 || !isMode(mode)) {
    throw new UsageError(`MODE is required for ${command}: expected one of ${MODES.join(', ')}`);
  }
  return mode;
}

/** Variables that a Docker command would silently ignore are refused instead. */
function refuseForDocker(command: string, options: LabOptions, ignored: { mode?: boolean; workers?: boolean }): void {
  if (ignored.mode && options.modes !== undefined) {
    throw new UsageError(`MODE=${options.modes.join(',')} is not accepted by \`${command}\` with RUNTIME=docker: it runs every topology with a Docker service`);
  }
  if (ignored.workers && options.workersGiven) {
    throw new UsageError(`WORKERS=${options.workers} is not accepted by \`${command}\` with RUNTIME=docker: containers are sized by \`make up WORKERS=…\``);
  }
}

async function main(command: string | undefined): Promise<void> {
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return;
  }
  switch (command) {
    // These read only RUNTIME, so a stray bad variable never blocks stopping the lab.
    case 'down': {
      const runtime = runtimeChoice(process.env);
      await nativeDown();
      // Both, so nothing is left behind whichever runtime started it.
      if (runtime !== 'native' && (await dockerAvailable())) await dockerDown();
      return;
    }
    case 'ps':
      return (await chooseRuntime(runtimeChoice(process.env))) === 'docker' ? dockerPs() : nativePs();
    case 'logs':
      if ((await chooseRuntime(runtimeChoice(process.env))) === 'docker') return dockerLogs();
      process.stdout.write(`native logs are in ${logDir()}\n`);
      for (const p of readRegistry()) process.stdout.write(`  ${p.name}: ${p.log}\n`);
      return;
    case 'setup':
      return setup(process.argv[3] ?? 'lab');
    default:
  }
  if (command !== 'up' && command !== 'bench' && command !== 'compare' && command !== 'sweep' && command !== 'scale' && command !== 'resilience') {
    throw new UsageError(`unknown command ${command}: expected up, bench, compare, sweep, scale, resilience, down, ps, logs, setup or help`);
  }
  const options = readOptions();
  // Validated before anything starts: a bad RATES or SLO_P99_MS is one line, exit 2.
  const sweepOptions = command === 'sweep' ? readSweepOptions() : undefined;
  const scaleMode = command === 'scale' ? scalableMode(requireMode(options, 'scale')) : undefined;
  const runtime = await chooseRuntime(options.runtime);
  const overrides = { requests: options.requests, concurrency: options.concurrency, path: options.path };
  const native = (): NativeOptions => {
    const setup = ensureSetup(command === 'up' ? 'up' : 'lab');
    return { ...options, node: options.node ?? defaultAppNode(), setup };
  };
  switch (command) {
    case 'up':
      if (runtime === 'native') return nativeUp(native());
      refuseForDocker(command, options, { mode: true });
      return dockerUp(options.workersGiven ? options.workers : DEFAULT_WORKERS);
    case 'bench': {
      const mode = requireMode(options);
      if (runtime === 'native') {
        await nativeBench(mode, native());
        return;
      }
      refuseForDocker(command, options, { workers: true });
      return dockerBench(mode, overrides, options.repeat);
    }
    case 'sweep':
      if (runtime !== 'native') throw new UsageError('RUNTIME=docker is not accepted by sweep yet: run it with RUNTIME=native');
      await nativeSweep(native(), sweepOptions ?? readSweepOptions());
      return;
    case 'scale':
      if (runtime !== 'native') throw new UsageError('RUNTIME=docker is not accepted by scale yet: run it with RUNTIME=native');
      await nativeScale(scaleMode ?? requireMode(options, 'scale'), native(), {
        maxWorkers: options.workersGiven ? options.workers : 2 * availableParallelism(),
        repeat: process.env['REPEAT'] === undefined || process.env['REPEAT'].trim() === '' ? 1 : options.repeat,
      });
      return;
    case 'resilience':
      if (runtime !== 'native') throw new UsageError('RUNTIME=docker is not accepted by resilience yet: run it with RUNTIME=native');
      await nativeResilience(native());
      return;
    case 'compare':
      if (runtime === 'native') {
        await nativeCompare(native());
        return;
      }
      refuseForDocker(command, options, { mode: true, workers: true });
      return dockerCompare(overrides, options.repeat);
  }
}

main(process.argv[2]).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`lab: ${message}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
