import {
  type BulkheadFullError,
  type CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
import { type RefusalProblemFunction, refusalResponse } from '@tripswitch/core/http';
import type { Context } from 'hono';
import type { RefusalHandler } from './options.ts';

/** A breaker's refusal: what a 503 is rendered from. */
export type Refusal = CircuitOpenError | BulkheadFullError;

// How far down an error's `cause` chain a refusal is looked for (a client may wrap it, as
// undici's fetch does in `TypeError('fetch failed')`).
const maxCauseDepth = 5;

/**
 * @internal Answers a refusal — the middleware's own, or one a handler threw — with `onOpen`
 * when given, else with the 503 every Tripswitch server adapter sends (`refusalResponse`), whose
 * body names no breaker unless `problem` puts the name in. Written through `c.body`, so headers
 * set earlier on the context are kept.
 */
export async function answerRefusal(
  onOpen: RefusalHandler | undefined,
  problem: RefusalProblemFunction | undefined,
  c: Context,
  error: Refusal,
): Promise<Response> {
  if (onOpen === undefined) {
    const { status, headers, body } = refusalResponse(error, { problem });
    return c.body(JSON.stringify(body), status, headers);
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
