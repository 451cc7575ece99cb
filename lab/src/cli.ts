#!/usr/bin/env node
/**
 * The lab's command line; the Makefile's targets call it. Inputs come from the
 * environment (the make variables), so `make bench MODE=cluster` and
 * `MODE=cluster node lab/dist/cli.js bench` are the same thing.
 */
import { readOptions, UsageError, type LabOptions } from './options.js';
import { isMode, MODES, type Mode } from './topologies.js';
import { nativeBench, nativeCompare, nativeDown, nativePs, nativeUp } from './native/lab.js';
import { dockerAvailable, dockerBench, dockerCompare, dockerDown, dockerLogs, dockerPs, dockerUp } from './docker/runtime.js';
import { logDir, readRegistry } from './native/processes.js';

const HELP = `Node.js clustering lab

Usage: make <target> [VARIABLE=value …]   (or: node lab/dist/cli.js <command>)

Targets:
  up        start every topology (and Prometheus; Grafana too with Docker), print the URLs
  bench     run the scenario against one topology REPEAT times: make bench MODE=cluster
  compare   every topology in one run, repetitions interleaved; writes results/compare.{json,html}
  down      stop everything the lab started
  ps        what is running
  logs      where the logs are (native) or docker compose logs
  help      this text

Variables:
  MODE         ${MODES.join(', ')} (compare: a comma-separated subset)
  WORKERS      processes per multi-process topology (default: available parallelism)
  REQUESTS, CONCURRENCY, TARGET_PATH   override k6/scenario.json (1200, 200, /heavy)
  REPEAT       repetitions per topology (default 3)
  RUNTIME      auto (Docker when an engine answers, else native), native or docker
  NODE         node binary that runs the app natively (reuseport needs Node 22.12+)
`;

type Runtime = 'native' | 'docker';

async function chooseRuntime(options: LabOptions): Promise<Runtime> {
  if (options.runtime !== 'auto') return options.runtime;
  const docker = await dockerAvailable();
  const runtime: Runtime = docker ? 'docker' : 'native';
  process.stderr.write(`RUNTIME=auto: ${docker ? 'a Docker engine answers, using docker' : 'no Docker engine answers, using native'}\n`);
  return runtime;
}

function requireMode(options: LabOptions): Mode {
  const mode = options.modes?.[0];
  if (!mode || options.modes?.length !== 1 || !isMode(mode)) {
    throw new UsageError(`MODE is required for bench: expected one of ${MODES.join(', ')}`);
  }
  return mode;
}

async function main(command: string | undefined): Promise<void> {
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return;
  }
  const options = readOptions();
  switch (command) {
    case 'up':
      return (await chooseRuntime(options)) === 'docker' ? dockerUp(options.workers) : nativeUp(options);
    case 'down':
      // Both, so nothing is left behind whichever runtime started it.
      await nativeDown();
      if (options.runtime !== 'native' && (await dockerAvailable())) await dockerDown();
      return;
    case 'bench': {
      const mode = requireMode(options);
      if ((await chooseRuntime(options)) === 'docker') {
        return dockerBench(mode, { requests: options.requests, concurrency: options.concurrency, path: options.path }, options.repeat);
      }
      await nativeBench(mode, options);
      return;
    }
    case 'compare':
      if ((await chooseRuntime(options)) === 'docker') {
        return dockerCompare({ requests: options.requests, concurrency: options.concurrency, path: options.path }, options.repeat);
      }
      await nativeCompare(options);
      return;
    case 'ps':
      return (await chooseRuntime(options)) === 'docker' ? dockerPs() : nativePs();
    case 'logs':
      if ((await chooseRuntime(options)) === 'docker') return dockerLogs();
      process.stdout.write(`native logs are in ${logDir()}\n`);
      for (const p of readRegistry()) process.stdout.write(`  ${p.name}: ${p.log}\n`);
      return;
    default:
      throw new UsageError(`unknown command ${command}: expected up, bench, compare, down, ps, logs or help`);
  }
}

main(process.argv[2]).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`lab: ${message}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
