import {
  type BulkheadFullError,
  type CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
import { refusalResponse } from '@tripswitch/core/http';
import type { Context } from 'hono';
import type { RefusalHandler } from './options.ts';

/** A breaker's refusal: what a 503 is rendered from. */
export type Refusal = CircuitOpenError | BulkheadFullError;

// How far down an error's `cause` chain a refusal is looked for (a client may wrap it, as
// undici's fetch does in `TypeError('fetch failed')`).
const maxCauseDepth = 5;

/**
 * @internal The 503 for a request the middleware's own breaker refused: the response every
 * Tripswitch server adapter sends, through `c.body` so headers set earlier on `c` are kept.
 */
export function refusedByMiddleware(c: Context, error: Refusal): Response {
  const { status, headers, body } = refusalResponse(error);
  return c.body(JSON.stringify(body), status, headers);
}

/**
 * @internal The same 503 for a refusal thrown by a handler: a breaker downstream (an HTTP
 * client's, named after an internal origin) refused a call. Its name, and the detail that
 * repeats it, stay inside: the public learns that a dependency is unavailable, and when to
 * retry.
 */
export function refusedDownstream(error: Refusal): Response {
  const { status, headers, body } = refusalResponse(error);
  const { breaker: _internal, ...rest } = body;
  const detail = isBulkheadFullError(error)
    ? 'A dependency of this service is at capacity'
    : 'A dependency of this service is unavailable';
  return new Response(JSON.stringify({ ...rest, detail }), { status, headers });
}

/**
 * @internal Answers a refusal: with `onOpen` when given, else with the 503 — naming the breaker
 * when it is the middleware's own, not when it was thrown downstream.
 */
export async function answerRefusal(
  onOpen: RefusalHandler | undefined,
  c: Context,
  error: Refusal,
  downstream: boolean,
): Promise<Response> {
  if (onOpen === undefined) {
    return downstream ? refusedDownstream(error) : refusedByMiddleware(c, error);
  }
  const response = await onOpen(c, error);
  if (typeof response !== 'object' || response === null) {
    // Hono would answer "Context is not finalized", which hides whose mistake it was.
    throw new TypeError(
      `onOpen must return a Response (or a promise of one); it returned ${String(response)}`,
    );
  }
  return response;
}

/** @internal The refusal `error` is, or carries in its `cause` chain; `undefined` if none. */
export function findRefusal(error: unknown): Refusal | undefined {
  let current = error;
  for (let depth = 0; depth <= maxCauseDepth; depth++) {
    if (isCircuitOpenError(current) || isBulkheadFullError(current)) return current;
    if (typeof current !== 'object' || current === null || !('cause' in current)) return undefined;
    current = current.cause;
  }
  return undefined;
}
