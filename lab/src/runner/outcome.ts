/**
 * How a request ended: the one classifier of errors and statuses, in the two
 * resolutions the lab reports them at. The load runner counts socket errors against
 * timeouts (outcome, from the error's own code); the resilience report tells refused,
 * reset and timed out apart (failureKind, which also reads the code undici wraps in
 * an error's cause). Both share the codes below.
 */
import type { FailureKind } from '../model/resilience.js';

/** Every request ends as exactly one of these. */
export type Outcome = 'ok' | 'non2xx' | 'socket' | 'timeout';

/** undici error codes that mean "no (complete) answer in time". */
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
/** The connection went away under the request: reset by the peer, or closed before a complete answer. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED', 'HPE_INVALID_EOF_STATE']);

/** The error's own code. */
function ownCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The error's code, or the one undici wrapped in its cause (some socket errors). */
function codeOrCause(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return ownCode(error) ?? (typeof cause === 'string' ? cause : undefined);
}

/**
 * The runner's bucket of a request that failed without a complete response: a timeout
 * when it was undici's headers/body/connect timer, a socket error for everything else
 * (refused, reset, closed by the other side, parse errors).
 */
export function classifyError(error: unknown): 'socket' | 'timeout' {
  const code = ownCode(error);
  return code !== undefined && TIMEOUT_CODES.has(code) ? 'timeout' : 'socket';
}

/** The runner's bucket of a complete response: ok for 2xx, non2xx otherwise. */
export function classifyStatus(statusCode: number): 'ok' | 'non2xx' {
  return statusCode >= 200 && statusCode < 300 ? 'ok' : 'non2xx';
}

/** The resilience report's kind of a request that ended without a complete response. */
export function failureKind(error: unknown): FailureKind {
  const code = codeOrCause(error);
  if (code === undefined) return 'other';
  if (code === 'ECONNREFUSED') return 'refused';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (RESET_CODES.has(code)) return 'reset';
  return 'other';
}

/** The resilience report's kind of a complete response: null when it counts as answered (2xx). */
export function statusFailure(status: number): FailureKind | null {
  if (classifyStatus(status) === 'ok') return null;
  return status >= 500 ? '5xx' : '4xx';
}
