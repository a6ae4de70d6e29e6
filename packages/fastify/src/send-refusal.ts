import type { BulkheadFullError, CircuitOpenError } from '@tripswitch/core';
import { type RefusalProblemFunction, refusalResponse } from '@tripswitch/core/http';
import type { FastifyReply } from 'fastify';

/**
 * @internal Sends the 503 every Tripswitch server adapter sends for a refused request; its body
 * names no breaker unless `problem` puts the name in. The body goes as bytes: given a string,
 * Fastify would add a charset to the media type, and the response would differ from Express's.
 */
export function sendRefusal(
  reply: FastifyReply,
  error: CircuitOpenError | BulkheadFullError,
  problem: RefusalProblemFunction | undefined,
): void {
  const { status, headers, body } = refusalResponse(error, { problem });
  reply
    .code(status)
    .headers(headers)
    .send(Buffer.from(JSON.stringify(body)));
}
