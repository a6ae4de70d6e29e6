import { STATUS_CODES } from 'node:http';
import type { ResolvedFallbackResponse } from '@tripswitch/core/internal';
import type { Dispatcher } from 'undici';

/** The controller a caller's handler receives for a response no connection carries. */
interface SyntheticController extends Dispatcher.DispatchController {
  /** Read by undici 8's fetch for the headers; undici 7 builds them from the headers object. */
  readonly rawHeaders: Buffer[];
}

/**
 * Delivers `response` to the caller's `handler` as undici delivers a server's — `onRequestStart`,
 * `onResponseStart`, the body in one `onResponseData`, `onResponseEnd` — so `undici.request()`
 * resolves with it and `fetch` with a `Response`, through every interceptor the caller composed
 * outside this one. A handler callback that throws ends the delivery with an `onResponseError`
 * carrying what it threw, as undici does (after `onResponseEnd` too); so does an abort through
 * the controller before the end. Never throws: it runs in a promise callback, where a throw would
 * be an unhandled rejection.
 */
export function deliverResponse(
  handler: Dispatcher.DispatchHandler,
  method: string | undefined,
  response: ResolvedFallbackResponse,
): void {
  let aborted = false;
  let reason: Error | null = null;
  let paused = false;
  let ended = false;
  let resumeEnd: (() => void) | undefined;
  const controller: SyntheticController = {
    rawHeaders: rawHeadersOf(response.headers),
    get aborted() {
      return aborted;
    },
    get paused() {
      return paused;
    },
    get reason() {
      return reason;
    },
    abort(why?: Error) {
      if (aborted || ended) return;
      aborted = true;
      reason = why ?? new DOMException('The operation was aborted.', 'AbortError');
      fail(reason);
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      const next = resumeEnd;
      resumeEnd = undefined;
      next?.();
    },
  };
  const fail = (error: unknown, afterEnd = false): void => {
    if (ended && !afterEnd) return;
    ended = true;
    try {
      handler.onResponseError?.(
        controller,
        error instanceof Error ? error : new Error(String(error)),
      );
    } catch (thrown) {
      console.error('[tripswitch] a handler threw on a fallback response’s error', thrown);
    }
  };
  const step = (callback: () => void): boolean => {
    if (ended) return false;
    try {
      callback();
    } catch (thrown) {
      fail(thrown);
      return false;
    }
    return !ended;
  };
  const end = (): void => {
    if (ended) return;
    // Ended from here on, so an abort inside onResponseEnd is too late; a throw from it is still
    // reported, as undici reports one after onComplete.
    ended = true;
    try {
      handler.onResponseEnd?.(controller, {});
    } catch (thrown) {
      fail(thrown, true);
    }
  };
  if (!step(() => handler.onRequestStart?.(controller, {}))) return;
  const { statusCode, statusMessage, headers, body } = response;
  const text = statusMessage ?? STATUS_CODES[statusCode] ?? '';
  if (!step(() => handler.onResponseStart?.(controller, statusCode, headers, text))) return;
  if (method !== 'HEAD' && body.byteLength > 0) {
    const chunk = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    if (!step(() => handler.onResponseData?.(controller, chunk))) return;
  }
  // A consumer that paused (its buffer is full) hears of the end when it resumes, as from a socket.
  if (paused) resumeEnd = end;
  else end();
}

function rawHeadersOf(headers: Record<string, string | string[]>): Buffer[] {
  const raw: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      raw.push(Buffer.from(name, 'latin1'), Buffer.from(item, 'latin1'));
    }
  }
  return raw;
}
