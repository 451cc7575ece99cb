/**
 * Reading the configuration at process start: on a bad value, print the one-line
 * reason to stderr and exit with code 2, without a stack trace.
 */
import { availableParallelism } from 'node:os';
import { ConfigError } from './config-error.js';
import { EXIT_CONFIG_ERROR } from '../exit-codes.js';
import { parseConfig, type Config, type HostFacts, type ProcessRole } from './config.js';

export function currentHostFacts(): HostFacts {
  return {
    availableParallelism: availableParallelism(),
    nodeVersion: process.versions.node,
    platform: process.platform,
  };
}

/** Runs `read`; a ConfigError it throws ends the process with exit code 2. */
export function exitOnConfigError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_CONFIG_ERROR);
    }
    throw error;
  }
}

export function loadConfigOrExit(role: ProcessRole): Config {
  return exitOnConfigError(() => parseConfig(process.env, role, currentHostFacts()));
}
