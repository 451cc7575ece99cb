/**
 * Values a command would silently ignore, or cannot take, refused in one line before
 * anything starts: the variables a runtime does not use, and the one mode of bench and scale.
 */
import { isMode, MODES, type Mode } from '../topologies.js';
import type { LabConfig } from './lab-config.js';
import { UsageError } from './usage-error.js';
import type { Env } from './values.js';

/** The one mode of bench and scale. */
export function requireMode(config: LabConfig, command: string): Mode {
  const modes = config.options.modes ?? [];
  const mode = modes[0];
  if (modes.length > 1) {
    throw new UsageError(`MODE=${modes.join(',')} is not accepted by ${command}: expected one mode, one of ${MODES.join(', ')} (\`make compare MODE=${modes.join(',')}\` runs several)`);
  }
  if (!mode || !isMode(mode)) throw new UsageError(`MODE is required for ${command}: expected one of ${MODES.join(', ')}`);
  return mode;
}

/** Variables a Docker command would silently ignore are refused instead. */
export function refuseForDocker(command: string, config: LabConfig, refused: { mode?: boolean; workers?: boolean }): void {
  const { options } = config;
  const runtime = config.runtime === 'swarm' ? 'swarm' : 'docker';
  if (refused.mode && options.modes !== undefined) {
    throw new UsageError(`MODE=${options.modes.join(',')} is not accepted by \`${command}\` with RUNTIME=${runtime}: it starts every topology with a Docker service`);
  }
  if (refused.workers && options.workersGiven) {
    throw new UsageError(`WORKERS=${options.workers} is not accepted by \`${command}\` with RUNTIME=${runtime}: containers are sized by \`make up WORKERS=…\``);
  }
  if (options.node !== undefined) {
    throw new UsageError(`NODE=${options.node} is not accepted by \`${command}\` with RUNTIME=${runtime}: the image's Node 24 runs the app (NODE applies to RUNTIME=native)`);
  }
}

/** Native-only variables of `up` with Docker: APP_CPUS is Docker's. */
export function refuseForNative(command: string, config: LabConfig, env: Env): void {
  if (config.given['APP_CPUS'] === true) {
    throw new UsageError(`APP_CPUS=${env['APP_CPUS'] ?? ''} is not used by \`${command}\` with RUNTIME=native: it sizes Docker's app containers`);
  }
}
