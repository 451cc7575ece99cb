/**
 * Plain-text logging: one line per event, the message only. Events at warn and
 * above go to stderr, the rest to stdout. Writes to pipes and files are
 * synchronous on Linux, so a line logged right before process.exit is kept.
 */
import type { LogLevel } from '../config/config.js';
import type { LogFields, Logger } from './logger.js';

const SEVERITY: Readonly<Record<LogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

export class TextLogger implements Logger {
  readonly #threshold: number;

  constructor(level: LogLevel) {
    this.#threshold = SEVERITY[level];
  }

  fatal(_fields: LogFields, message: string): void {
    this.#write('fatal', message);
  }

  error(_fields: LogFields, message: string): void {
    this.#write('error', message);
  }

  warn(_fields: LogFields, message: string): void {
    this.#write('warn', message);
  }

  info(_fields: LogFields, message: string): void {
    this.#write('info', message);
  }

  debug(_fields: LogFields, message: string): void {
    this.#write('debug', message);
  }

  trace(_fields: LogFields, message: string): void {
    this.#write('trace', message);
  }

  isLevelEnabled(level: LogLevel): boolean {
    return SEVERITY[level] >= this.#threshold;
  }

  child(_bindings: LogFields): Logger {
    return this;
  }

  #write(level: Exclude<LogLevel, 'silent'>, message: string): void {
    const severity = SEVERITY[level];
    if (severity < this.#threshold) return;
    (severity >= SEVERITY.warn ? process.stderr : process.stdout).write(`${message}\n`);
  }
}
