/**
 * How a request ended, and which error bucket an undici error falls in.
 */

/** Every request ends as exactly one of these. */
export type Outcome = 'ok' | 'non2xx' | 'socket' | 'timeout';

/** undici error codes that mean "no (complete) answer in time". */
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * A request that failed without a complete response: a timeout when it was undici's
 * headers/body/connect timer, a socket error for everything else (refused, reset,
 * closed by the other side, parse errors).
 */
export function classifyError(error: unknown): 'socket' | 'timeout' {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TIMEOUT_CODES.has(code) ? 'timeout' : 'socket';
}

/** A complete response: ok for 2xx, non2xx otherwise. */
export function classifyStatus(statusCode: number): 'ok' | 'non2xx' {
  return statusCode >= 200 && statusCode < 300 ? 'ok' : 'non2xx';
}
