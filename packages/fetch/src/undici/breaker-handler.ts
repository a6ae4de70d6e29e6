import type { Dispatcher } from 'undici';
import type { DispatchEnd } from './judge-dispatch.ts';

type Handler = Dispatcher.DispatchHandler;
type Args<K extends keyof Handler> = Parameters<NonNullable<Handler[K]>>;
type Controller = Dispatcher.DispatchController;

/** What a {@link BreakerHandler} reports to: the request's permit, settled once from the end. */
export interface Settlement {
  /** Settles the permit as the end says. Called at most once. */
  judge(end: DispatchEnd): void;
  /** Settles the permit as ignored: the request ended without a verdict. */
  ignore(): void;
}

/**
 * Stands between undici and the caller's handler (fetch's, `undici.request()`'s, or the next
 * interceptor's), in the handler API of undici 7 and 8 (`onRequestStart`, `onResponseStart`, …;
 * undici 7 turns a legacy handler into one before an interceptor sees it). It settles the
 * request's permit before it passes each callback on, so no callback that throws can keep the
 * permit from settling:
 *
 * - when the response's headers arrive (a 1xx is not the response yet), by status and
 *   `Retry-After`; the body, read or not, is the caller's business;
 * - on an error before that: a failure, or ignored when the caller aborted;
 * - when the caller's own `onRequestStart` throws: ignored, nothing was judged;
 * - when the request ends with neither (it cannot, but a handler must not leak): ignored.
 *
 * Every callback is passed on with the handler as `this`, so handlers that are class instances
 * with private fields work.
 */
export class BreakerHandler implements Handler {
  readonly #handler: Handler;
  #settlement: Settlement | undefined;
  /** The caller has received its last callback (`onResponseEnd` or `onResponseError`). */
  #finished = false;

  constructor(handler: Handler, settlement: Settlement) {
    this.#handler = handler;
    this.#settlement = settlement;
  }

  /**
   * Ends a request that failed before undici took it (an interceptor closer to the dispatcher
   * threw): ignored, since nothing was sent; the caller hears of the error unless it has already.
   */
  failBeforeStart(error: Error): void {
    this.#ignore();
    if (this.#finished) return;
    this.#finished = true;
    this.#handler.onResponseError?.(null as unknown as Dispatcher.DispatchController, error);
  }

  // Each callback names its parameters rather than gathering them in an array: no array is made
  // per callback and request.
  onRequestStart(controller: Controller, context: Args<'onRequestStart'>[1]): void {
    try {
      this.#handler.onRequestStart?.(controller, context);
    } catch (error) {
      this.#ignore();
      throw error;
    }
  }

  onRequestUpgrade(...args: Args<'onRequestUpgrade'>): void {
    this.#judge({ response: { statusCode: args[1], headers: args[2] } });
    this.#handler.onRequestUpgrade?.(...args);
  }

  onResponseStarted(): void {
    this.#handler.onResponseStarted?.();
  }

  onResponseStart(
    controller: Controller,
    statusCode: number,
    headers: Args<'onResponseStart'>[2],
    statusMessage?: string,
  ): void {
    if (statusCode >= 200) this.#judge({ response: { statusCode, headers } });
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Controller, chunk: Args<'onResponseData'>[1]): void {
    this.#handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Controller, trailers: Args<'onResponseEnd'>[1]): void {
    this.#ignore();
    this.#finished = true;
    this.#handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(...args: Args<'onResponseError'>): void {
    const [controller, error] = args;
    // undici passes no controller for an error raised before the request started.
    this.#judge({ error, controller: controller ?? null });
    this.#finished = true;
    this.#handler.onResponseError?.(...args);
  }

  // Its arguments differ between undici 7 (sizes) and 8 (the chunk): passed on as they come.
  onBodySent(...args: unknown[]): void {
    (this.#handler.onBodySent as ((...args: unknown[]) => void) | undefined)?.apply(
      this.#handler,
      args,
    );
  }

  // undici 8 only.
  onRequestSent(): void {
    (this.#handler as { onRequestSent?: () => void }).onRequestSent?.();
  }

  #judge(end: DispatchEnd): void {
    const settlement = this.#settlement;
    this.#settlement = undefined;
    settlement?.judge(end);
  }

  #ignore(): void {
    const settlement = this.#settlement;
    this.#settlement = undefined;
    settlement?.ignore();
  }
}
