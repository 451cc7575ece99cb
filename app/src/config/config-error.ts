/**
 * A configuration value the process cannot start with.
 *
 * The message is the one line an operator sees: the variable, the value as given
 * and what would have been accepted.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly variable: string,
    readonly value: string,
    readonly problem: string,
  ) {
    super(`Invalid environment variable ${variable}=${JSON.stringify(value)}: ${problem}`);
  }

  /** The usual problem: the value is not one of the accepted ones. */
  static expected(variable: string, value: string, accepted: string): ConfigError {
    return new ConfigError(variable, value, `expected ${accepted}`);
  }
}
