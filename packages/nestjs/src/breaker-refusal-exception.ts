import { ServiceUnavailableException } from '@nestjs/common';
import type { BulkheadFullError, CircuitOpenError, CircuitRefusal } from '@tripswitch/core';
import {
  type RefusalResponse,
  type RefusalResponseOptions,
  refusalResponse,
} from '@tripswitch/core/http';
import { brandTripswitchError } from '@tripswitch/core/internal';
import { refusalAnswer } from './refusal-answer.ts';

/**
 * A breaker's refusal as Nest's own kind of HTTP error: a `ServiceUnavailableException` (status
 * 503) whose response is the problem document every Tripswitch server adapter sends, naming no
 * breaker. It is still the refusal: `isCircuitOpenError()` (or `isBulkheadFullError()`) and
 * `instanceof CircuitOpenError` are true for it, it carries the refusal's `code`, `breakerName`,
 * `reason` and `retryAfterMs` (a full bulkhead's `maxConcurrent` and `maxQueue`), and the refusal
 * itself is its `cause`.
 *
 * {@link BreakerRefusalInterceptor} turns every refusal an HTTP request's handler throws into one,
 * so a catch-all exception filter of your own, which answers an `HttpException` with its status
 * and anything else with 500, answers a refusal with 503 — and `Retry-After`, which the
 * interceptor puts on the response. Its `message` names no breaker either.
 *
 * @example
 * ```ts
 * @Catch()
 * export class EverythingFilter implements ExceptionFilter {
 *   catch(exception: unknown, host: ArgumentsHost): void {
 *     const status = exception instanceof HttpException ? exception.getStatus() : 500; // 503 for a refusal
 *     host.switchToHttp().getResponse<Response>().status(status).json({ statusCode: status });
 *   }
 * }
 * ```
 */
export class BreakerRefusalException extends ServiceUnavailableException {
  /** The refusal: the core's `CircuitOpenError` or `BulkheadFullError`. */
  readonly refusal: CircuitOpenError | BulkheadFullError;
  /** The refusal's code. */
  readonly code: 'ERR_CIRCUIT_OPEN' | 'ERR_BULKHEAD_FULL';
  /** The name of the breaker that refused: yours to log, not the public's. */
  readonly breakerName: string;
  /** Why the call was refused (see the core's `CircuitOpenError` and `BulkheadFullError`). */
  readonly reason: CircuitRefusal | 'full' | 'queue-timeout';
  /** How long until a retry may pass, in milliseconds, when the circuit knows. */
  readonly retryAfterMs: number | undefined;
  /** A full bulkhead's `maxConcurrent`; `undefined` for an open circuit. */
  readonly maxConcurrent: number | undefined;
  /** A full bulkhead's `maxQueue`; `undefined` for an open circuit. */
  readonly maxQueue: number | undefined;
  /** The headers of the 503: `content-type`, and `Retry-After` when there is one. */
  readonly headers: RefusalResponse['headers'];

  /**
   * @param refusal - the core's `CircuitOpenError` or `BulkheadFullError`.
   * @param options - `problem` writes the response body instead of the default problem document.
   */
  constructor(refusal: CircuitOpenError | BulkheadFullError, options: RefusalResponseOptions = {}) {
    // A body JSON can carry: a catch-all filter sends getResponse() as it is.
    const { body, headers } = refusalAnswer(refusal, options.problem);
    super(body, { cause: refusal });
    this.refusal = refusal;
    this.code = refusal.code;
    this.breakerName = refusal.breakerName;
    this.reason = refusal.reason;
    const circuit = refusal.code === 'ERR_CIRCUIT_OPEN';
    this.retryAfterMs = circuit ? refusal.retryAfterMs : undefined;
    this.maxConcurrent = circuit ? undefined : refusal.maxConcurrent;
    this.maxQueue = circuit ? undefined : refusal.maxQueue;
    this.headers = headers;
    // The default document's words, never the problem function's body: this may be logged.
    this.message = (refusalResponse(refusal).body as { detail: string }).detail;
    // With the core's brand, isCircuitOpenError() and `instanceof CircuitOpenError` recognise it.
    brandTripswitchError(this, refusal.code);
  }
}
