/**
 * The logger every module writes to: `LOG_FORMAT=text` prints the message alone
 * (the seed's plain lines), `LOG_FORMAT=json` prints pino's structured lines with
 * the same message plus the fields. Both write synchronously, so nothing is lost
 * when the process exits right after logging.
 */
import { pino } from 'pino';
import type { LogFormat, LogLevel } from '../config/config.js';
import { TextLogger } from './text-logger.js';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  fatal(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  debug(fields: LogFields, message: string): void;
  trace(fields: LogFields, message: string): void;
  isLevelEnabled(level: LogLevel): boolean;
  child(bindings: LogFields): Logger;
}

export interface LoggerOptions {
  readonly format: LogFormat;
  readonly level: LogLevel;
  /** Fields on every JSON line, e.g. mode and worker. */
  readonly bindings: LogFields;
}

export function createLogger({ format, level, bindings }: LoggerOptions): Logger {
  if (format === 'text') return new TextLogger(level);
  return pino(
    {
      level,
      base: { pid: process.pid, ...bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
