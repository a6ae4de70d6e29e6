import type { Permit } from '@tripswitch/core';
import type { Context } from 'hono';
import { findRefusal, refusedDownstream } from './refusal-response.ts';

/**
 * @internal Answers a refusal thrown by a handler — a breaker downstream said no — with the 503
 * problem response, when `app.onError` answered it with a 500 (Hono's default answer to any
 * error). An `app.onError` that answers refusals its own way, with any other status, is left
 * alone.
 */
export function answerDownstreamRefusal(c: Context): void {
  const thrown = c.error;
  if (thrown === undefined || !c.finalized || c.res.status !== 500) return;
  const refusal = findRefusal(thrown);
  if (refusal !== undefined) c.res = refusedDownstream(refusal);
}

/**
 * @internal Settles `permit` once the handlers behind the middleware are done, by the response
 * they left on `c` (Hono has already turned a thrown error into `app.onError`'s response).
 */
export function settleAfterHandlers(
  permit: Permit,
  c: Context,
  isFailure: (status: number, c: Context) => boolean,
): void {
  let status: number;
  try {
    answerDownstreamRefusal(c);
    // The client went away: the outcome says nothing about the route's health.
    if (c.req.raw.signal.aborted) {
      permit.ignore();
      return;
    }
    // No response at all: Hono answers 500 ("Context is not finalized").
    status = c.finalized ? c.res.status : 500;
  } catch (error) {
    // Whatever breaks here (a handler's response that cannot be copied), the permit settles.
    permit.failure(error);
    throw error;
  }
  let failed: boolean;
  try {
    failed = Boolean(isFailure(status, c));
  } catch (error) {
    // The response is made and sound; a broken predicate must not turn it into an error page.
    console.error('[tripswitch] isFailure threw; the request counts as a failure', error);
    permit.failure(error);
    return;
  }
  // Not the URL: its query may carry secrets, and failure events are often logged.
  if (failed) permit.failure(new Error(`The response status was ${status}`));
  else permit.success();
}

/**
 * @internal Settles `permit` when the handlers behind the middleware threw past Hono's error
 * handling: a throw of something that is not an `Error`, or `app.onError`'s own throw. The
 * request ends without an answer, which is a failure unless its client had gone already.
 */
export function settleThrown(permit: Permit, c: Context, error: unknown): void {
  if (c.req.raw.signal.aborted) permit.ignore();
  else permit.failure(error);
}
