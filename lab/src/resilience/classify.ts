/**
 * Which kind of failure a request met, from the undici error or the status: the
 * resilience report counts them apart, since "refused" (nothing listened), "reset"
 * (a connection dropped with the request on it) and "timeout" (never answered)
 * point at different causes.
 */
import { FAILURE_KINDS, type FailureCounts, type FailureKind } from './types.js';

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
/** The connection went away under the request: reset by the peer, or closed before a complete answer. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED', 'HPE_INVALID_EOF_STATE']);

function codeOf(error: unknown): string | undefined {
  const direct = (error as { code?: unknown } | null)?.code;
  if (typeof direct === 'string') return direct;
  // undici wraps some socket errors: the system code is on the cause.
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

/** A request that ended without a complete response. */
export function classifyError(error: unknown): FailureKind {
  const code = codeOf(error);
  if (code === undefined) return 'other';
  if (code === 'ECONNREFUSED') return 'refused';
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  if (RESET_CODES.has(code)) return 'reset';
  return 'other';
}

/** A complete response: null when it counts as answered (2xx), else its failure kind. */
export function classifyStatus(status: number): FailureKind | null {
  if (status >= 200 && status < 300) return null;
  return status >= 500 ? '5xx' : '4xx';
}

export function noFailures(): FailureCounts {
  return Object.fromEntries(FAILURE_KINDS.map((k) => [k, 0])) as FailureCounts;
}

export function totalFailures(counts: FailureCounts): number {
  return FAILURE_KINDS.reduce((sum, k) => sum + counts[k], 0);
}

/** "3 reset, 1 refused", or "none". */
export function describeFailures(counts: FailureCounts): string {
  const parts = FAILURE_KINDS.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}
