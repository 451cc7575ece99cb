/**
 * The Docker runtime's resilience capability (core/runtime.ts, ResilienceCapability;
 * the rounds are commands/resilience.ts): the stack `make up` started (it is required,
 * as for compare), each topology's rounds acting on its containers (DockerTarget), the
 * load sent from the host to the published ports. reuseport is unavailable, with
 * compare's reason.
 */
import type { ResilienceCapability, Runtime } from '../core/runtime.js';
import { topology } from '../topologies.js';
import { dockerMachine, type StackFacts } from './stack-facts.js';
import { stackVariables, type DockerContext } from './engine.js';
import { stackUrls } from './stack.js';
import { DockerTarget } from './resilience-target.js';

export const RESILIENCE_GENERATOR = "the lab's round load, on the host, against the stack's published ports (no CPU limit)";

export function dockerResilience(ctx: DockerContext, runtime: Runtime, stack: () => Promise<StackFacts>): ResilienceCapability {
  return {
    // The stack must be up (as for compare): reading it says so in one line otherwise, and learns WORKERS from its replicas.
    machine: async () => {
      await stack();
      return dockerMachine(ctx, RESILIENCE_GENERATOR);
    },
    // The rounds' load and probes run on this machine, through the topology's host port.
    unavailability: async (mode) => (topology(mode).published ? runtime.unavailability(mode) : `${mode} has no host port, and the rounds load it from this machine (compare and bench run ${mode}, from the stack's network)`),
    target: async (mode) => {
      const { workers } = await stack();
      // 127.0.0.1: the ports are published on it alone, and localhost may resolve to ::1 first.
      return new DockerTarget(mode, ctx, workers, (stackUrls(stackVariables(ctx)).apps[mode] ?? '').replace('//localhost:', '//127.0.0.1:'));
    },
  };
}
