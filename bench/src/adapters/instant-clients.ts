/**
 * HTTP clients that answer at once, each through its own library's extension point, so a row
 * measures the client's own work and the adapter's, and no network: axios with a custom
 * `adapter`, a `fetch` function that returns a ready `Response`, an undici `Dispatcher` that
 * delivers its answer inside `dispatch()`, and got with a `beforeRequest` hook that returns the
 * response (got's documented way to skip the request, which its cache uses).
 */
import { Readable } from 'node:stream';
import type { AxiosAdapter, AxiosResponse } from 'axios';
import type { BeforeRequestHook } from 'got';
import { Dispatcher } from 'undici';

/** The URL every call asks for; nothing listens there. */
export const instantUrl = 'http://upstream.test/stock/42';

/** What every instant client answers with. */
export const instantDocument = { hello: 'world' };

/** An axios adapter that resolves with a 200 and the document at once. */
export const instantAxiosAdapter: AxiosAdapter = async (config) =>
  ({
    data: instantDocument,
    status: 200,
    statusText: 'OK',
    headers: {},
    config,
    request: {},
  }) satisfies AxiosResponse;

const readyResponse = new Response(null, { status: 200 });

/**
 * A `fetch` that resolves with a ready `Response` at once: one object made once, since nothing
 * reads its body.
 */
export const instantFetch = (async () => readyResponse) as unknown as typeof globalThis.fetch;

const emptyHeaders: Record<string, string> = { 'content-length': '0' };

/**
 * An undici dispatcher that answers every request with a 200 and an empty body inside
 * `dispatch()`, through the handler API of undici 8 (`onRequestStart`, `onResponseStart`, …).
 */
export class InstantDispatcher extends Dispatcher {
  override dispatch(
    _options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
  ): boolean {
    const controller = instantController();
    handler.onRequestStart?.(controller, {});
    handler.onResponseStart?.(controller, 200, emptyHeaders, 'OK');
    handler.onResponseEnd?.(controller, {});
    return true;
  }

  override async close(): Promise<void> {}

  override async destroy(): Promise<void> {}
}

function instantController(): Dispatcher.DispatchController {
  return {
    aborted: false,
    paused: false,
    reason: null,
    abort() {},
    pause() {},
    resume() {},
  };
}

/**
 * A got `beforeRequest` hook that answers instead of sending the request: a readable with a
 * status and headers, which got reads as the server's response (its `afterResponse` hooks run).
 */
export const instantGotAnswer: BeforeRequestHook = () =>
  Object.assign(Readable.from([Buffer.from(JSON.stringify(instantDocument))]), {
    statusCode: 200,
    statusMessage: 'OK',
    headers: { 'content-type': 'application/json' },
    httpVersion: '1.1',
    complete: true,
  }) as never;
