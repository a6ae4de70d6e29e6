import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BulkheadFullError, CircuitOpenError } from '@tripswitch/core';
import type { RefusalProblemFunction } from '@tripswitch/core/http';
import { type Observable, throwError } from 'rxjs';
import { BreakerRefusalException } from './breaker-refusal-exception.ts';
import { refusalAnswer } from './refusal-answer.ts';
import { type RefusalSettings, refusalSettingsToken } from './refusal-settings.ts';

/** The part of Node's `ServerResponse` the filter writes with (Express's response is one). */
interface NodeResponse {
  headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): NodeResponse;
  end(chunk?: string): unknown;
}

/**
 * The exception filter that answers a call refused by a breaker (`CircuitOpenError`, or
 * `BulkheadFullError`) that no fallback caught. `TripswitchModule` installs it globally unless
 * `filter: false`; apply it yourself then, with `@UseFilters(BreakerRefusalFilter)`.
 *
 * - HTTP: 503 Service Unavailable, `Retry-After` in whole seconds rounded up, and an
 *   `application/problem+json` body: the response every Tripswitch server adapter sends
 *   (`refusalResponse` in `@tripswitch/core/http`). The body names no breaker: a breaker's name
 *   is internal, and a refusal from an HTTP client's breaker (`@tripswitch/got`, axios, fetch)
 *   names the origin it calls. The module's `problem` option shapes the body, and can put the
 *   name back.
 * - Microservices (`rpc`): the error itself, as the Observable error a transport sends back.
 * - Other contexts (GraphQL, and anything created with `ExternalContextCreator`): the error
 *   itself, returned for the context to report; WebSocket gateways get nothing from it.
 *
 * Refusals are recognised by brand, so errors from another copy of `@tripswitch/core` are
 * caught too, and so is the {@link BreakerRefusalException} that `BreakerRefusalInterceptor`
 * makes of them. A catch-all filter of your own (`@Catch()`) registered after this one, or bound
 * closer to the route, wins over it; it still answers 503 with `Retry-After` when the refusal
 * reaches it as that exception (see `BreakerRefusalInterceptor`).
 *
 * @example
 * ```ts
 * @Module({ imports: [TripswitchModule.forRoot({ filter: false })] })
 * export class AppModule {}
 *
 * @Controller('orders')
 * @UseFilters(BreakerRefusalFilter) // only these routes answer refusals with 503
 * export class OrdersController {}
 * ```
 */
@Catch(CircuitOpenError, BulkheadFullError)
export class BreakerRefusalFilter implements ExceptionFilter<CircuitOpenError | BulkheadFullError> {
  readonly #adapterHost: HttpAdapterHost;
  readonly #problem: RefusalProblemFunction | undefined;

  constructor(
    @Inject(HttpAdapterHost) adapterHost: HttpAdapterHost,
    // Optional: the filter also works in an application that does not import the module.
    @Optional() @Inject(refusalSettingsToken) settings?: RefusalSettings,
  ) {
    this.#adapterHost = adapterHost;
    this.#problem = settings?.problem;
  }

  /** Answers the refusal in the way of the context it happened in (see the class). */
  catch(
    error: CircuitOpenError | BulkheadFullError,
    host: ArgumentsHost,
  ): Observable<never> | CircuitOpenError | BulkheadFullError | undefined {
    const type = host.getType();
    if (type === 'rpc') return throwError(() => error);
    if (type !== 'http') return error;
    const response: unknown = host.switchToHttp().getResponse();
    const refusal = error instanceof BreakerRefusalException ? error.refusal : error;
    const { status, headers, json } = refusalAnswer(refusal, this.#problem);
    if (isNodeResponse(response)) {
      // Written with Node's own API, so the bytes are those of every Tripswitch server adapter:
      // Express's helpers would add a charset to the media type, and an ETag.
      if (response.headersSent) response.end();
      else response.writeHead(status, headers).end(json);
      return undefined;
    }
    const adapter = this.#adapterHost.httpAdapter;
    if (adapter.isHeadersSent(response)) {
      adapter.end(response);
      return undefined;
    }
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    // As bytes: given an object or a string, Fastify adds a charset to the media type.
    adapter.reply(response, Buffer.from(json), status);
    return undefined;
  }
}

function isNodeResponse(value: unknown): value is NodeResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<NodeResponse>).writeHead === 'function' &&
    typeof (value as Partial<NodeResponse>).end === 'function'
  );
}
