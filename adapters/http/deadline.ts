/**
 * Outbound calls to a vendor (procurement, the ERP) fit inside the invocation that makes them. Each
 * client has its own per-request timeout (10 s by default); a step that makes several calls could
 * still run past its function's timeout and be killed halfway, with nothing recorded. A client given
 * a `timeLeftMs` cuts each request's timeout to what the invocation has left for outbound calls,
 * and refuses to start one it could not finish: a clean TransientFailure the caller retries.
 */
import { TransientFailure } from '../../domain/failures';

/** Milliseconds the current invocation still has for outbound calls; `undefined` when unbounded. */
export type TimeLeft = () => number | undefined;

/** Below this, a request is not started: it could not get an answer back in time. */
export const SHORTEST_USEFUL_REQUEST_MS = 250;

/**
 * Too little of the invocation was left to start a request: the call was not made. Transient (the
 * caller retries in a fresh invocation) and not the endpoint's failure, so circuit breakers do not
 * count it.
 */
export class InvocationTimeExhausted extends TransientFailure {}

/**
 * The timeout for one request: the client's own, cut to the time left. Throws a TransientFailure
 * (naming the system and operation) when too little is left to start it.
 */
export function requestTimeoutMs(
  system: string,
  operation: string,
  ownTimeoutMs: number,
  timeLeft: TimeLeft | undefined,
): number {
  const left = timeLeft?.();
  if (left === undefined) return ownTimeoutMs;
  if (left < SHORTEST_USEFUL_REQUEST_MS)
    throw new InvocationTimeExhausted(
      `${operation}: not started, the invocation has ${Math.max(0, Math.floor(left))} ms left for ${system} calls`,
      system,
    );
  return Math.min(ownTimeoutMs, Math.floor(left));
}
