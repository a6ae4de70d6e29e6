import type { FetchInput } from './fetch-options.ts';
import { keyRequest } from './request-key.ts';
import { undiciRefusedToSend } from './undici-refused-to-send.ts';

// Methods the Fetch standard forbids (compared in upper case).
const forbiddenMethods = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * Whether `fetch` rejected the call itself, before sending anything, because the call asked for
 * something no request may be: a method it forbids or cannot read (`CONNECT`, a method from
 * untrusted input with a space in it), a header value with a line break, a `GET` or `HEAD` with
 * a body, a header that Node.js's fetch sets itself (`transfer-encoding`, `keep-alive`,
 * `upgrade`) or does not support (`expect`). That is the caller's mistake, not the service's —
 * as a 404 is — and counting it a failure would let whoever puts such values in a call (a
 * gateway forwarding a client's method or headers, or a header built from a query) open the
 * circuit of a healthy service.
 *
 * `fetch` rejects both these and network errors with a `TypeError`, worded differently by each
 * runtime, so the call is checked again the way `fetch` checks it, without its body (a stream
 * can be read once, and may be half-read by now). Only a `TypeError` is checked: it runs on
 * failures alone, never on a call that succeeded.
 */
export function refusedUnsent(
  input: FetchInput,
  init: RequestInit | undefined,
  error: unknown,
): boolean {
  if (!(error instanceof TypeError)) return false;
  // Node.js's fetch (undici) says why in the cause: a header only undici may set, or an `expect`.
  if (undiciRefusedToSend(error.cause)) return true;
  const method = String(init?.method ?? requestOf(input)?.method ?? 'GET').toUpperCase();
  // Forbidden by the Fetch standard, whatever a runtime's own Request says: Bun sends them, and
  // the reset a server answers CONNECT with must not count against the service.
  if (forbiddenMethods.has(method)) return true;
  const { body } = init ?? {};
  if (body !== undefined && body !== null && (method === 'GET' || method === 'HEAD')) return true;
  try {
    keyRequest(input, init);
    return false;
  } catch {
    return true;
  }
}

function requestOf(input: FetchInput): Request | undefined {
  return typeof input === 'string' || 'href' in input ? undefined : input;
}
