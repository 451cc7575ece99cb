/**
 * Reads what the lab needs straight from each worker's /metrics (so the report does
 * not depend on Prometheus): CPU seconds, and the handler-time histogram's sum and
 * count for the route under test.
 */
import { request } from 'undici';

export interface WorkerSnapshot {
  /** The worker label the process reports. */
  worker: string;
  cpuSeconds: number;
  /** Sum and count of http_request_duration_seconds over every label set. */
  handlerSeconds: number;
  handlerCount: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/;
const WORKER_LABEL = /(?:^|[{,])worker="([^"]*)"/;

/** Parses the subset of the text exposition format the lab reads. */
export function parseSnapshot(text: string): WorkerSnapshot {
  const snapshot: WorkerSnapshot = { worker: '?', cpuSeconds: 0, handlerSeconds: 0, handlerCount: 0 };
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const [, name, labels = '', raw] = m;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    const worker = WORKER_LABEL.exec(labels)?.[1];
    if (worker !== undefined) snapshot.worker = worker;
    if (name === 'process_cpu_seconds_total') snapshot.cpuSeconds = value;
    else if (name === 'http_request_duration_seconds_sum') snapshot.handlerSeconds += value;
    else if (name === 'http_request_duration_seconds_count') snapshot.handlerCount += value;
  }
  return snapshot;
}

export async function snapshot(url: string): Promise<WorkerSnapshot> {
  const res = await request(url, { headersTimeout: 5000, bodyTimeout: 5000 });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
  return parseSnapshot(text);
}

export async function snapshotAll(urls: readonly string[]): Promise<WorkerSnapshot[]> {
  return Promise.all(urls.map(snapshot));
}

export interface WorkerDelta {
  worker: string;
  cpuSeconds: number;
  handlerCount: number;
  /** Mean time in the handler over the interval, ms (null: no request). */
  handlerMeanMs: number | null;
}

export function delta(before: readonly WorkerSnapshot[], after: readonly WorkerSnapshot[]): WorkerDelta[] {
  return after.map((a, i) => {
    const b = before[i] ?? { worker: a.worker, cpuSeconds: 0, handlerSeconds: 0, handlerCount: 0 };
    const count = a.handlerCount - b.handlerCount;
    return {
      worker: a.worker,
      cpuSeconds: a.cpuSeconds - b.cpuSeconds,
      handlerCount: count,
      handlerMeanMs: count > 0 ? ((a.handlerSeconds - b.handlerSeconds) / count) * 1000 : null,
    };
  });
}
