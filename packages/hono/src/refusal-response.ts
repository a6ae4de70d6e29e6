import type { BulkheadFullError, CircuitOpenError } from '@tripswitch/core';
import { type RefusalProblemFunction, refusalResponse } from '@tripswitch/core/http';
import type { Context } from 'hono';
import type { RefusalHandler } from './options.ts';

/** A breaker's refusal: what a 503 is rendered from. */
export type Refusal = CircuitOpenError | BulkheadFullError;

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
