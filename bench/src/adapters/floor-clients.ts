/**
 * The floors of the adapter rows: each client's own extension point, the one its adapter uses,
 * filled with code that does nothing but pass each call on and observe its outcome. Whatever an
 * adapter built on that extension point does, it does at least this much, so the floor is the
 * least such an adapter can add to a call, and what the adapter adds beyond it is its own work.
 * The same idea as the engine's floors (subjects/floor.ts) and the servers' empty middlewares
 * (http/servers.ts). Nothing here comes from Tripswitch: the floor must not contain our code.
 */
import type { AxiosAdapter, AxiosStatic } from 'axios';
import type { ExtendOptions, HandlerFunction } from 'got';
import type { Dispatcher } from 'undici';

// The reactions that observe an outcome, made once: an adapter attaches its own once per call.
// onErr throws again, so the caller sees the rejection as it was.
const onOk = <T>(value: T): T => value;
const onErr = (error: unknown): never => {
  throw error;
};

/**
 * The floor of `attachBreaker`: one synchronous request interceptor that swaps the request's
 * adapter for one that calls the instance's own and attaches one reaction to its promise.
 * attachBreaker works the same way — the permit is taken in the adapter, at dispatch, and
 * settled when the inner adapter's promise settles — so every request pays for one interceptor
 * and one adapter more. Synchronous, as attachBreaker's is: axios then runs the interceptor and
 * dispatches without a promise between them.
 *
 * @param instance - an axios instance whose `defaults.adapter` is a function (the adapter made
 * once wraps it, as attachBreaker reuses its adapter while requests bring the instance's own).
 */
export function attachFloor(instance: InstanceType<AxiosStatic['Axios']>): void {
  const inner = instance.defaults.adapter;
  if (typeof inner !== 'function') throw new TypeError('the floor wraps an adapter function');
  const passOn: AxiosAdapter = (config) => inner(config).then(onOk, onErr);
  instance.interceptors.request.use(
    (config) => {
      config.adapter = passOn;
      return config;
    },
    null,
    { synchronous: true },
  );
}

// One hook of each kind breakerHooks registers, doing nothing: got runs every hook of a kind it
// reaches, and awaits each, so their cost is got's, not the work inside them.
const handOn: HandlerFunction = (options, next) => next(options);

/**
 * The floor of `breakerHooks`: options for `got.extend()` with one no-op hook of each kind
 * breakerHooks returns and a handler that only calls the next. `afterResponse` and
 * `beforeError` return what they are given, as got requires. Extend with these before the
 * client's own options, as with breakerHooks, so the hooks run before a `beforeRequest` hook
 * that answers.
 */
export function floorHooks(): ExtendOptions {
  return {
    hooks: {
      beforeRequest: [() => {}],
      beforeRedirect: [() => {}],
      afterResponse: [(response) => response],
      beforeRetry: [() => {}],
      beforeError: [(error) => error],
    },
    handlers: [handOn],
  };
}

/**
 * The floor of `withBreaker(fetch)`: a function that calls `fetch` and attaches one reaction to
 * its promise, the least a wrapper must do to learn each call's outcome.
 */
export function withFloor(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => fetch(input, init).then(onOk, onErr);
}

type Handler = Dispatcher.DispatchHandler;
type Args<K extends keyof Handler> = Parameters<NonNullable<Handler[K]>>;

/**
 * A handler that passes every callback of undici 8's handler API on to the one it wraps, with
 * that one as `this` (a handler may be a class instance with private fields). An interceptor
 * that must see how a request ends puts a handler of its own between undici and the caller's,
 * so this one object per request, and one call more per callback, is the least it costs.
 */
class PassOnHandler implements Handler {
  readonly #handler: Handler;

  constructor(handler: Handler) {
    this.#handler = handler;
  }

  // Parameters named rather than gathered: no array per callback and request.
  onRequestStart(controller: Args<'onRequestStart'>[0], context: unknown): void {
    this.#handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(...args: Args<'onRequestUpgrade'>): void {
    this.#handler.onRequestUpgrade?.(...args);
  }

  onResponseStarted(): void {
    this.#handler.onResponseStarted?.();
  }

  onResponseStart(
    controller: Args<'onResponseStart'>[0],
    statusCode: number,
    headers: Args<'onResponseStart'>[2],
    statusMessage?: string,
  ): void {
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Args<'onResponseData'>[0], chunk: Args<'onResponseData'>[1]): void {
    this.#handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Args<'onResponseEnd'>[0], trailers: Args<'onResponseEnd'>[1]): void {
    this.#handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Args<'onResponseError'>[0], error: Error): void {
    this.#handler.onResponseError?.(controller, error);
  }

  onBodySent(chunk: Args<'onBodySent'>[0]): void {
    this.#handler.onBodySent?.(chunk);
  }

  onRequestSent(): void {
    this.#handler.onRequestSent?.();
  }
}

/**
 * The floor of `breakerInterceptor()`: an interceptor for `Dispatcher.compose()` that wraps the
 * caller's handler in a {@link PassOnHandler} and dispatches.
 */
export const floorInterceptor: Dispatcher.DispatcherComposeInterceptor =
  (dispatch) => (options, handler) =>
    dispatch(options, new PassOnHandler(handler));
