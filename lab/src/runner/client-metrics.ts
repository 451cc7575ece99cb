/**
 * The load runner's own view of a run, for Prometheus to scrape while it runs: the
 * requests it finished by outcome, their latency as a histogram, and whether a run
 * is going, labelled by mode and run id (testid, the k6 runs' naming). With it the
 * dashboard's client row and run marker show every run, with or without k6.
 *
 *   lab_client_requests_total{mode, testid, outcome}       counter (ok, non2xx, socket, timeout)
 *   lab_client_request_duration_seconds{mode, testid}      histogram (complete responses)
 *   lab_client_run_active{mode, testid}                    1 while the run goes, 0 after
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Outcome } from './outcome.js';
import type { RequestObserver } from './run-options.js';

/** Latency buckets, seconds: from a fast handler to a 30 s timeout, dense where /heavy queues. */
export const CLIENT_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30];

export interface RunLabels {
  mode: string;
  testid: string;
}

export class ClientMetrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({ name: 'lab_client_requests_total', help: "Requests the lab's runner finished, by outcome", labelNames: ['mode', 'testid', 'outcome'], registers: [this.registry] });
  readonly #duration = new Histogram({
    name: 'lab_client_request_duration_seconds',
    help: "Latency the lab's runner measured, request written to body read (complete responses)",
    labelNames: ['mode', 'testid'],
    buckets: CLIENT_LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #active = new Gauge({ name: 'lab_client_run_active', help: "1 while a run of the lab's runner goes", labelNames: ['mode', 'testid'], registers: [this.registry] });

  /** Marks a run as started and returns the observer its requests report to. */
  start(run: RunLabels): RequestObserver {
    this.#active.set({ ...run }, 1);
    // Every series of the run exists from its start, at zero: the scrape before its first request reads them all.
    this.#duration.zero({ ...run });
    for (const outcome of ['ok', 'non2xx', 'socket', 'timeout'] satisfies Outcome[]) this.#requests.inc({ ...run, outcome }, 0);
    const requests = this.#requests;
    const duration = this.#duration;
    return {
      observe(outcome: Outcome, latencyMs: number | null): void {
        requests.inc({ mode: run.mode, testid: run.testid, outcome });
        if (latencyMs !== null) duration.observe({ mode: run.mode, testid: run.testid }, latencyMs / 1000);
      },
    };
  }

  end(run: RunLabels): void {
    this.#active.set({ ...run }, 0);
  }
}

/** Longest wait for a scrape (before a run, and after the last): three of the lab-runner job's 1 s intervals, for a busy machine. */
export const FINAL_SCRAPE_MS = 3_500;

/**
 * Serves a ClientMetrics registry at /metrics. A port already taken is not the
 * run's failure: the run goes on unexported, and `listen` says so in its answer.
 */
export class ClientMetricsServer {
  readonly #server: Server;
  /** Waiting for a scrape that arrives after `since` (performance.now()). */
  #waiting: { since: number; resolve: () => void }[] = [];

  constructor(readonly metrics: ClientMetrics) {
    this.#server = createServer((request, response) => {
      const arrived = performance.now();
      response.once('finish', () => {
        // Only a scrape that arrived after the wait began has read what came before it.
        const done = this.#waiting.filter((w) => w.since <= arrived);
        this.#waiting = this.#waiting.filter((w) => w.since > arrived);
        for (const w of done) w.resolve();
      });
      if ((request.url ?? '').split('?', 1)[0] !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      void metrics.registry.metrics().then(
        (body) => response.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(body),
        () => response.writeHead(500).end(),
      );
    });
  }

  /** Listens on host:port; resolves to null when serving, else to why not (one line). */
  listen(port: number, host: string): Promise<string | null> {
    return new Promise((resolve) => {
      this.#server.once('error', (error: NodeJS.ErrnoException) => resolve(`port ${port} ${error.code === 'EADDRINUSE' ? 'is in use' : `failed: ${error.message}`}`));
      this.#server.listen({ port, host, exclusive: true }, () => resolve(null));
    });
  }

  /**
   * Resolves to true once a scrape that arrived after this call was answered (so it read
   * everything set before the call), or to false after `timeoutMs`. A run that waits for
   * one before its first request has a sample at zero, and the exporter waits for one
   * after the last run, so even a run shorter than the scrape interval has the two
   * samples a rate needs.
   */
  nextScrape(timeoutMs: number): Promise<boolean> {
    if (!this.#server.listening) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting = this.#waiting.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter = {
        since: performance.now(),
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      this.#waiting.push(waiter);
    });
  }

  /** Closes after `lingerMs` (a last scrape; 0 when nothing scrapes it). */
  async close(lingerMs = FINAL_SCRAPE_MS): Promise<void> {
    if (!this.#server.listening) return;
    if (lingerMs > 0) await this.nextScrape(lingerMs);
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
