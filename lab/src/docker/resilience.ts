/**
 * `lab resilience` on the Docker runtime: the core command (resilience/command.ts)
 * against the stack `make up` started (it is required, as for compare), each
 * topology's rounds acting on its containers (DockerTarget), the load sent from the
 * host to the published ports. reuseport is unavailable, with compare's reason.
 */
import type { LabOptions } from '../config/lab-options.js';
import { resilience } from '../resilience/command.js';
import type { ResilienceReport } from '../model/resilience.js';
import { scenarioFor } from '../scenario-file.js';
import { topology, workerCount } from '../topologies.js';
import { dockerMachine, dockerRuntime } from './docker-runtime.js';
import { defaultContext, stackVariables, type DockerContext } from './engine.js';
import { stackUrls } from './stack.js';
import { DockerTarget } from './resilience-target.js';

export async function dockerResilience(options: Pick<LabOptions, 'modes' | 'requests' | 'concurrency' | 'path' | 'repeat' | 'warmupRequests' | 'steadyMinRequests'>, ctx: DockerContext = defaultContext()): Promise<ResilienceReport> {
  const runtime = dockerRuntime(ctx);
  // The stack must be up (as for compare): reading it says so in one line otherwise, and
  // learns WORKERS from nginx's replicas. single always runs, so it is the one asked.
  await runtime.unavailability('single');
  const workers = runtime.workers();
  const machine = await dockerMachine(ctx, "the lab's round load, on the host, against the stack's published ports (no CPU limit)");
  const urls = stackUrls(stackVariables(ctx));
  return resilience({
    name: ctx.swarmStack === undefined ? 'docker' : 'swarm',
    scenario: scenarioFor(options),
    machine,
    workers: (mode) => workerCount(topology(mode), workers),
    // The rounds' load and probes run on this machine, through the topology's host port.
    unavailability: async (mode) => (topology(mode).published ? runtime.unavailability(mode) : `${mode} has no host port, and the rounds load it from this machine (compare and bench run ${mode}, from the stack's network)`),
    // 127.0.0.1: the ports are published on it alone, and localhost may resolve to ::1 first.
    target: (mode) => new DockerTarget(mode, ctx, workers, (urls.apps[mode] ?? '').replace('//localhost:', '//127.0.0.1:')),
    close: () => runtime.close(),
  }, options.modes, options.repeat);
}
