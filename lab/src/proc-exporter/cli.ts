#!/usr/bin/env node
/**
 * The lab's /proc exporter: serves every app process's CPU time (proc-table.ts) on
 * /metrics, read when Prometheus asks, so a worker whose event loop is saturated
 * still has its CPU scraped on time. Natively it runs beside Prometheus; in Docker it
 * is a service in the host's pid namespace. Exit codes: 0 stopped by a signal, 1 cannot
 * listen, 2 a bad argument.
 */
import { createServer } from 'node:http';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { renderMetrics } from './exposition.js';
import { parseOptions, USAGE, UsageError, type ExporterOptions } from './options.js';
import { readProcessCpu } from './proc-table.js';

const EXIT_LISTEN_FAILED = EXIT_FAILURE;

function readOptions(): ExporterOptions {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`proc-exporter: ${error.message}\n${USAGE}\n`);
    process.exit(EXIT_USAGE);
  }
}

const options = readOptions();
const server = createServer((req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(renderMetrics(readProcessCpu(options.stack)));
});
server.on('error', (error) => {
  process.stderr.write(`proc-exporter: cannot listen on ${options.host}:${options.port}: ${error.message}\n`);
  process.exit(EXIT_LISTEN_FAILED);
});
server.listen(options.port, options.host, () => {
  process.stdout.write(`proc-exporter: stack ${options.stack}, http://${options.host}:${options.port}/metrics\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(EXIT_OK));
    server.closeAllConnections();
  });
}
