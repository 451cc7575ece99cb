#!/usr/bin/env node
/**
 * Runs one load test by hand and prints the seed's loadtest-style block:
 *
 *   node lab/dist/runner/runner-cli.js --url http://127.0.0.1:3001/heavy -n 1200 -c 200 [--json out.json]
 *
 * Exit codes: 0 done, 1 the run itself failed, 2 bad arguments, 130 interrupted.
 */
import { writeFile } from 'node:fs/promises';
import { parseCliArgs, USAGE, type CliOptions } from './runner-cli-args.js';
import { progressReporter } from './progress.js';
import { runLoad } from './run-load.js';
import { formatSeedBlock } from '../shared/seed-block.js';
import { warmUp } from './warm-up.js';
import { delta, snapshotAll } from './worker-metrics.js';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`runner: ${parsed.message}\n`);
    return 2;
  }
  const controller = new AbortController();
  const interrupt = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  try {
    await run(parsed.options, controller.signal);
    return 0;
  } catch (error) {
    if (controller.signal.aborted) {
      process.stderr.write('runner: interrupted\n');
      return 130;
    }
    process.stderr.write(`runner: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', interrupt);
  }
}

async function run(options: CliOptions, signal: AbortSignal): Promise<void> {
  const common = { keepAlive: options.keepAlive, timeoutMs: options.timeoutMs, signal };
  await warmUp(options.url, options.warmup, options.concurrency, common);
  const progress = progressReporter('', options.requests);
  const before = await snapshotAll(options.metrics);
  try {
    const result = await runLoad({
      url: options.url,
      requests: options.requests,
      concurrency: options.concurrency,
      onProgress: (done, total) => progress.update(done, total),
      ...common,
    });
    progress.done();
    const workers = delta(before, await snapshotAll(options.metrics));
    process.stdout.write(formatSeedBlock(result));
    if (options.json !== undefined) await writeFile(options.json, `${JSON.stringify({ result, workers }, null, 2)}\n`);
  } finally {
    progress.done();
  }
}

process.exitCode = await main(process.argv.slice(2));
