/**
 * One-shot HTTP requests on a fresh connection each (agent: false), so that
 * successive requests to a cluster reach different workers.
 */
import { request } from 'node:http';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export function httpGet(url: string, timeoutMs = 10_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', reject);
    });
    req.on('timeout', () => {
      req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`));
    });
    req.on('error', reject);
    req.end();
  });
}

export function header(answer: HttpAnswer, name: string): string {
  const value = answer.headers[name.toLowerCase()];
  if (typeof value !== 'string') throw new Error(`no ${name} header`);
  return value;
}

/** GETs `url` on fresh connections until every worker index in `expected` has answered. */
export async function workersAnswering(url: string, expected: number, maxRequests = 100): Promise<Map<string, string>> {
  const pidsByWorker = new Map<string, string>();
  for (let i = 0; i < maxRequests && pidsByWorker.size < expected; i++) {
    const answer = await httpGet(url);
    if (answer.status !== 200) throw new Error(`GET ${url}: ${answer.status} ${answer.body}`);
    pidsByWorker.set(header(answer, 'X-Worker'), header(answer, 'X-Worker-Pid'));
  }
  return pidsByWorker;
}

/** The value of the first sample of `metric` that carries `labels`, or undefined. */
export function sampleValue(exposition: string, metric: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${metric}{`) && !line.startsWith(`${metric} `)) continue;
    const matchesAll = Object.entries(labels).every(([name, value]) => line.includes(`${name}="${value}"`));
    if (matchesAll) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
