/**
 * The metrics of a process that serves the application: prom-client's default
 * process metrics, request durations, requests in flight and open connections,
 * every series labelled with `mode` and `worker`.
 */
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Labels on every series; `instance` is left to Prometheus. */
export interface ProcessLabels {
  readonly mode: string;
  readonly worker: string;
}

export interface ConnectionStats {
  readonly openConnections: number;
  readonly requestsInFlight: number;
}

export type RequestDurationLabel = 'method' | 'route' | 'status_code';
export type RequestDurationHistogram = Histogram<RequestDurationLabel>;

/** 1 ms to 10 s. */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export interface ServingMetrics {
  readonly registry: Registry;
  readonly requestDuration: RequestDurationHistogram;
}

export function createLabelledRegistry(labels: ProcessLabels): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ mode: labels.mode, worker: labels.worker });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export function createServingMetrics(labels: ProcessLabels, connections: ConnectionStats): ServingMetrics {
  const registry = createLabelledRegistry(labels);
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests from arrival to the end of the response, in seconds.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [...REQUEST_DURATION_BUCKETS],
    registers: [registry],
  });
  new Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests received and not yet answered.',
    registers: [registry],
    collect() {
      this.set(connections.requestsInFlight);
    },
  });
  new Gauge({
    name: 'http_open_connections',
    help: 'Open client connections to the application port.',
    registers: [registry],
    collect() {
      this.set(connections.openConnections);
    },
  });
  return { registry, requestDuration };
}
