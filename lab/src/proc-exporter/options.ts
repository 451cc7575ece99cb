/** The exporter's command line, parsed once: --stack NAME [--host ADDRESS] [--port N]. */
import { PROC_EXPORTER_PORT } from '../topologies.js';

export interface ExporterOptions {
  /** LAB_STACK of the processes to report. */
  readonly stack: string;
  readonly host: string;
  readonly port: number;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = 'usage: proc-exporter --stack NAME [--host ADDRESS (default 127.0.0.1)] [--port N (default 9256)]';

export function parseOptions(argv: readonly string[]): ExporterOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    const value = argv[i + 1];
    if (!['--stack', '--host', '--port'].includes(flag) || value === undefined) throw new UsageError(`unexpected argument ${JSON.stringify(flag)}`);
    values.set(flag, value);
  }
  const stack = values.get('--stack');
  if (stack === undefined || stack === '') throw new UsageError('--stack is required');
  const port = Number(values.get('--port') ?? PROC_EXPORTER_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`--port ${JSON.stringify(values.get('--port'))}: expected an integer from 1 to 65535`);
  return { stack, host: values.get('--host') ?? '127.0.0.1', port };
}
