import type { Permit } from '@tripswitch/core';
import { findRefusal, predicateAnswer } from '@tripswitch/core/internal';
import type { Context } from 'hono';
import { isClientGone } from './client-gone.ts';
import type { MiddlewareSettings } from './options.ts';
import { answerRefusal } from './refusal-response.ts';

/**
 * @internal Answers a refusal thrown by a handler — a breaker downstream said no — as the
 * middleware answers its own refusals (`onOpen`, or the 503), when `app.onError` answered it
 * with a 5xx (Hono's default answers any error with 500). An `app.onError` that answers refusals
 * its own way, below 500, is left alone. Call it only when `c.error` is set; it returns a promise
 * only when it has a refusal to answer.
 */
export function answerThrownRefusal(
  c: Context,
  settings: Pick<MiddlewareSettings, 'onOpen' | 'problem'>,
): Promise<void> | undefined {
  if (!c.finalized || c.res.status < 500) return undefined;
  const refusal = findRefusal(c.error);
  if (refusal === undefined) return undefined;
  return answerRefusal(settings.onOpen, settings.problem, c, refusal).then((response) => {
    c.res = response;
  });
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
  // The client went away: the outcome says nothing about the route's health.
  if (isClientGone(c)) {
    permit.ignore();
    return;
  }
  // No response at all: Hono answers 500 ("Context is not finalized").
  const status = c.finalized ? c.res.status : 500;
  let failed: boolean;
  try {
    failed = predicateAnswer(isFailure(status, c), 'isFailure');
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
 * handling — a throw of something that is not an `Error`, or `app.onError`'s own throw — or
 * `onOpen` threw while answering a refusal thrown downstream. A failure, unless the client had
 * gone already.
 */
export function settleThrown(permit: Permit, c: Context, error: unknown): void {
  if (isClientGone(c)) permit.ignore();
  else permit.failure(error);
}
