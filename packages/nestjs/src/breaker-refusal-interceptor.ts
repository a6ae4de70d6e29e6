import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { findRefusal } from '@tripswitch/core/internal';
import { catchError, type Observable, throwError } from 'rxjs';
import { BreakerRefusalException } from './breaker-refusal-exception.ts';
import { type RefusalSettings, refusalSettingsToken } from './refusal-settings.ts';

/**
 * Turns a breaker's refusal that an HTTP request's handler throws — from a `@CircuitBreaker()`
 * method, or an HTTP client's breaker (`@tripswitch/got`, axios, fetch; also as the `cause` of
 * the client's error) — into a {@link BreakerRefusalException}, and puts `Retry-After` on the
 * response. Any exception filter then answers 503 with `Retry-After`: the module's
 * `BreakerRefusalFilter`, Nest's own, or a catch-all of yours that answers an `HttpException`
 * with its status. `TripswitchModule` installs it globally; other errors, and other contexts than
 * HTTP, pass untouched.
 *
 * A refusal thrown before interceptors run (in a guard or a middleware) is not seen by it.
 *
 * @example
 * ```ts
 * // Without TripswitchModule (HTTP clients' breakers only), install it yourself:
 * app.useGlobalInterceptors(new BreakerRefusalInterceptor(app.get(HttpAdapterHost)));
 * ```
 */
@Injectable()
export class BreakerRefusalInterceptor implements NestInterceptor {
  readonly #adapterHost: HttpAdapterHost;
  readonly #settings: RefusalSettings | undefined;

  constructor(
    @Inject(HttpAdapterHost) adapterHost: HttpAdapterHost,
    // Optional: the interceptor also works in an application that does not import the module.
    @Optional() @Inject(refusalSettingsToken) settings?: RefusalSettings,
  ) {
    this.#adapterHost = adapterHost;
    this.#settings = settings;
  }

  /** Passes the handler's result on; converts a refusal it fails with (see the class). */
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return next
      .handle()
      .pipe(catchError((error: unknown) => throwError(() => this.#convert(error, context))));
  }

  #convert(error: unknown, context: ExecutionContext): unknown {
    const refusal = findRefusal(error);
    if (refusal === undefined) return error;
    const exception =
      refusal instanceof BreakerRefusalException
        ? refusal
        : new BreakerRefusalException(refusal, { problem: this.#settings?.problem });
    const retryAfter = exception.headers['retry-after'];
    if (retryAfter !== undefined) {
      try {
        const adapter = this.#adapterHost.httpAdapter;
        const response: unknown = context.switchToHttp().getResponse();
        if (!adapter.isHeadersSent(response))
          adapter.setHeader(response, 'retry-after', retryAfter);
      } catch (thrown) {
        // The 503 still goes out; only its Retry-After is missing.
        console.error('[tripswitch] could not set Retry-After on a refused request', thrown);
      }
    }
    return exception;
  }
}
