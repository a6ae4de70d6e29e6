import { findRefusal } from '@tripswitch/core/internal';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Registration } from './registration.ts';
import { sendRefusal } from './send-refusal.ts';

/**
 * @internal The route-level error handler the plugin gives the routes of its scope: a refusal by
 * a breaker downstream — a `CircuitOpenError` or `BulkheadFullError` from an HTTP client's
 * breaker (axios, got, fetch, undici), thrown or as the `cause` of the client's error — is
 * answered with the same 503 as the plugin's own refusals, its body written by the route's
 * `problem` (so by default naming no breaker: an HTTP client's is an internal origin). Anything
 * else is handed on to the
 * scope's error handler (yours, or Fastify's) as if this one were not there.
 *
 * Async on purpose: Fastify hands a rejection on as an error whatever was thrown, where a
 * synchronous rethrow of a value that is not an Error (`throw 'oops'`) would be sent as a 200.
 */
export async function answerRefusals(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const refusal = findRefusal(error);
  // Once the response has started, a 503 can no longer be sent: Fastify's handlers deal with it.
  if (refusal === undefined || reply.raw.headersSent) throw error;
  sendRefusal(reply, refusal, Registration.nearest(request.server)?.problemFor(request));
  // Returned, as Fastify asks of an async handler that sends: it settles once the reply is sent.
  return reply;
}
