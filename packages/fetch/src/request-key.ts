import { originOf } from '@tripswitch/core/http';
import type { FetchInput } from './fetch-options.ts';

/**
 * The default key: the origin of the URL the call goes to. It is read from the input as it is —
 * a string, a `URL`, or a `Request`'s `url` — without building a `Request`, which would cost more
 * than the rest of the breaker's work on a call. A relative URL is read against the page where
 * there is one (browsers, Deno with `--location`). A URL with no origin to read gives `undefined`:
 * the call goes around the breaker, and `fetch` rejects it as it would without one.
 */
export function originKey(input: FetchInput): string | undefined {
  if (typeof input !== 'string') return originOf('href' in input ? input : input.url);
  try {
    return originOf(input);
  } catch {
    return relativeOrigin(input);
  }
}

function relativeOrigin(input: string): string | undefined {
  try {
    const base = (globalThis as { location?: { href?: unknown } }).location?.href;
    return typeof base === 'string' ? originOf(new URL(input, base)) : undefined;
  } catch {
    // Deno throws when `location` is read without --location; an unparseable URL throws too.
    return undefined;
  }
}

/**
 * What a user's `key` receives: a `Request` with the call's URL, method and headers, `init`
 * winning over a `Request` input as in `fetch` itself. It has no body, so building it never
 * consumes the caller's (a stream can be read once), and the call goes on with the caller's own
 * input and init, including options only their runtime knows (`dispatcher`, `cf`, …).
 */
export function keyRequest(input: FetchInput, init: RequestInit | undefined): Request {
  const request = typeof input === 'string' || 'href' in input ? undefined : input;
  const url = request === undefined ? input : request.url;
  const method = init?.method ?? request?.method;
  const headers = init?.headers ?? request?.headers;
  const view: RequestInit = {};
  if (method !== undefined) view.method = method;
  if (headers !== undefined) view.headers = headers;
  return new Request(url as string | URL, view);
}
