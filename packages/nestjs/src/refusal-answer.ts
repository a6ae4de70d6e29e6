import type { BulkheadFullError, CircuitOpenError } from '@tripswitch/core';
import {
  type RefusalProblemFunction,
  type RefusalResponse,
  refusalResponse,
} from '@tripswitch/core/http';

/** @internal A refusal's 503, with its body as the JSON text to send. */
export interface RefusalAnswer extends RefusalResponse {
  readonly json: string;
}

/**
 * @internal The 503 that answers `refusal`, as `refusalResponse` writes it, with a body that JSON
 * can carry. A body the `problem` function made that it cannot (a BigInt, a cycle, a `toJSON`
 * that throws or gives nothing) is reported and replaced by the default document, as the core
 * does for a function that throws: sent as it is, it broke the response halfway — a 503 with no
 * body on Express, a 500 on Fastify — and a catch-all filter sending `getResponse()` with it.
 */
export function refusalAnswer(
  refusal: CircuitOpenError | BulkheadFullError,
  problem: RefusalProblemFunction | undefined,
): RefusalAnswer {
  const answer = refusalResponse(refusal, { problem });
  if (problem !== undefined) {
    let reason: unknown = answer.body;
    try {
      const json: unknown = JSON.stringify(answer.body);
      if (typeof json === 'string') return { ...answer, json };
    } catch (thrown) {
      reason = thrown;
    }
    console.error(
      '[tripswitch] the refusal problem function returned a body JSON cannot carry; the default body was sent',
      reason,
    );
  }
  const fallback = problem === undefined ? answer : refusalResponse(refusal);
  return { ...fallback, json: JSON.stringify(fallback.body) };
}
