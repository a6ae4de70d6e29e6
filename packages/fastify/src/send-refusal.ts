import {
  type BulkheadFullError,
  type CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
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

// How far down an error's `cause` chain a refusal is looked for (a client may wrap it).
const maxCauseDepth = 5;

/**
 * @internal The refusal by a breaker in `error`: the error itself, or one in its `cause` chain
 * (got and undici's fetch wrap the `CircuitOpenError` they were refused with).
 */
export function findRefusal(error: unknown): CircuitOpenError | BulkheadFullError | undefined {
  let current = error;
  for (let depth = 0; depth <= maxCauseDepth; depth++) {
    if (isCircuitOpenError(current) || isBulkheadFullError(current)) return current;
    if (typeof current !== 'object' || current === null || !('cause' in current)) return undefined;
    current = current.cause;
  }
  return undefined;
}
