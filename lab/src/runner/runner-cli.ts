#!/usr/bin/env node
/**
 * Runs one load test by hand and prints the seed's loadtest-style block:
 *
 *   node lab/dist/runner/runner-cli.js --url http://127.0.0.1:3001/heavy -n 1200 -c 200 [--json out.json]
 *
 *   node lab/dist/runner/runner-cli.js --url http://app-cluster:3000/heavy --rate 200 --duration-ms 4000 --connections 100
 *
 * The second form is one open-model step (the sweep's, run by the Docker sweep inside
 * the runner container so its path matches compare's): it prints the OpenStepResult as
 * JSON and with --json writes { result, workers }.
 *
 * Exit codes: 0 done, 1 the run itself failed, 2 bad arguments, 130 interrupted.
 */
import { lookup } from 'node:dns/promises';
import { writeFile } from 'node:fs/promises';
import { parseCliArgs, USAGE, type CliOptions, type ExportMetrics, type OpenCliOptions, type SteadyCliOptions } from './runner-cli-args.js';
import { steadyPlan, warmToSteadyState } from '../steady/steady-state.js';
import { ClientMetrics, ClientMetricsServer, FINAL_SCRAPE_MS } from './client-metrics.js';
import { runOpenLoad } from './open-model.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { progressReporter } from './progress.js';
import { runLoad } from './run-load.js';
import { formatSeedBlock } from '../shared/seed-block.js';
import { warmUp } from './warm-up.js';
import { delta, snapshotAll, type WorkerSnapshot } from './worker-metrics.js';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`runner: ${parsed.message}\n`);
    return EXIT_USAGE;
  }
  const controller = new AbortController();
  const interrupt = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  try {
    if (parsed.kind === 'open') await runOpen(parsed.options, controller.signal);
    else if (parsed.kind === 'steady') await runSteady(parsed.options, controller.signal);
    else await run(parsed.options, controller.signal);
    return EXIT_OK;
  } catch (error) {
    if (controller.signal.aborted) {
      process.stderr.write('runner: interrupted\n');
      return EXIT_INTERRUPTED;
    }
    process.stderr.write(`runner: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  } finally {
    process.off('SIGINT', interrupt);
  }
}

/** Every address of the URL's host (--spread-dns), or undefined: the host resolved once by the client. */
async function spreadAddresses(url: string, spread: boolean): Promise<string[] | undefined> {
  if (!spread) return undefined;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const found = await lookup(host, { all: true });
  return [...new Set(found.map((a) => a.address))].sort();
}

async function run(options: CliOptions, signal: AbortSignal): Promise<void> {
  const addresses = await spreadAddresses(options.url, options.spreadDns);
  const common = { keepAlive: options.keepAlive, timeoutMs: options.timeoutMs, signal, ...(addresses === undefined ? {} : { addresses }) };
  await warmUp(options.url, options.warmup, options.concurrency, common);
  const progress = progressReporter('', options.requests);
  const exporter = await startExport(options.exportMetrics);
  const labels = options.exportMetrics && { mode: options.exportMetrics.mode, testid: options.exportMetrics.testid };
  const observer = exporter && labels ? exporter.metrics.start(labels) : undefined;
  // Prometheus reads the run at zero before its first request (a rate needs two samples).
  if (exporter) await exporter.nextScrape(FINAL_SCRAPE_MS);
  const before = await snapshotAll(options.metrics);
  try {
    const result = await runLoad({
      url: options.url,
      requests: options.requests,
      concurrency: options.concurrency,
      onProgress: (done, total) => progress.update(done, total),
      ...(observer ? { observer } : {}),
      ...common,
    }).finally(() => {
      if (exporter && labels) exporter.metrics.end(labels);
    });
    progress.done();
    const workers = delta(before, await snapshotAll(options.metrics));
    process.stdout.write(formatSeedBlock(result));
    if (options.json !== undefined) await writeFile(options.json, `${JSON.stringify({ result, workers }, null, 2)}\n`);
  } finally {
    progress.done();
    await exporter?.close(); // after a last scrape, when Prometheus scrapes it
  }
}

/** The run's client-side metrics served for Prometheus on all interfaces (the Compose network), if asked. */
async function startExport(exportMetrics: ExportMetrics | undefined): Promise<ClientMetricsServer | undefined> {
  if (exportMetrics === undefined) return undefined;
  const server = new ClientMetricsServer(new ClientMetrics());
  const why = await server.listen(exportMetrics.port, '0.0.0.0');
  if (why === null) return server;
  process.stderr.write(`runner: the run's metrics are not exported (${why}); the run itself is unaffected\n`);
  return undefined;
}

async function runOpen(options: OpenCliOptions, signal: AbortSignal): Promise<void> {
  let before: Promise<WorkerSnapshot[]> = Promise.resolve([]);
  const result = await runOpenLoad({
    url: options.url,
    rate: options.rate,
    durationMs: options.durationMs,
    connections: options.connections,
    timeoutMs: options.timeoutMs,
    signal,
    ...(options.warmPath === undefined ? {} : { warmPath: options.warmPath }),
    // The workers' CPU is read from when the schedule starts (connection set-up not counted), as natively.
    onScheduleStart: () => {
      before = snapshotAll(options.metrics);
    },
  });
  const workers = delta(await before, await snapshotAll(options.metrics));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (options.json !== undefined) await writeFile(options.json, `${JSON.stringify({ result, workers }, null, 2)}\n`);
}

/** The steady-state warm-up where the processes are (the Docker runtime runs it in one container, not one per window). */
async function runSteady(options: SteadyCliOptions, signal: AbortSignal): Promise<void> {
  const addresses = await spreadAddresses(options.url, options.spreadDns);
  const common = { keepAlive: options.keepAlive, timeoutMs: options.timeoutMs, signal, ...(addresses === undefined ? {} : { addresses }) };
  const report = await warmToSteadyState(
    { load: (n) => warmUp(options.url, n, options.concurrency, common), read: () => snapshotAll(options.metrics), processes: options.metrics.length },
    steadyPlan({ warmupRequests: options.window, steadyMinRequests: options.min }),
    (line) => process.stderr.write(`${line}\n`),
  );
  process.stdout.write(`${report.text}\n`);
  if (options.json !== undefined) await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
}

process.exitCode = await main(process.argv.slice(2));
