import type { FastifyReply, FastifyRequest } from 'fastify';
import { findRefusal, sendRefusal } from './send-refusal.ts';

/**
 * @internal The route-level error handler the plugin gives the routes of its scope: a refusal by
 * a breaker downstream — a `CircuitOpenError` or `BulkheadFullError` from an HTTP client's
 * breaker (axios, got, fetch, undici), thrown or as the `cause` of the client's error — is
 * answered with the same 503 as the plugin's own refusals. Any other error is thrown on, so it
 * reaches the scope's error handler (yours, or Fastify's) as if this one were not there.
 */
export function answerRefusals(
  error: unknown,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const refusal = findRefusal(error);
  // Once the response has started, a 503 can no longer be sent: Fastify's handlers deal with it.
  if (refusal === undefined || reply.raw.headersSent) throw error;
  sendRefusal(reply, refusal);
}
