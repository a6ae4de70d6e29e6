import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * @internal Headers of every dashboard response: nothing is cached (the data is live and may be
 * private), and no browser guesses a type other than the one sent (JSON is never run as HTML).
 */
export const baseHeaders: Readonly<OutgoingHttpHeaders> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** @internal Answers with a short plain-text message. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, {
    ...baseHeaders,
    'content-type': 'text/plain; charset=utf-8',
    ...headers,
  });
  res.end(`${text}\n`);
}

/**
 * @internal JSON with `<`, `>` and `&` (and the two JavaScript line separators) written as
 * `\uXXXX` escapes: it parses to the same value, and no breaker name in it reads as markup, should
 * the text ever land in HTML or be sniffed as it.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** @internal Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { ...baseHeaders, 'content-type': 'application/json; charset=utf-8' });
  res.end(safeJson(value));
}

/** @internal Answers 405 with the methods the path allows. */
export function sendMethodNotAllowed(res: ServerResponse, allow: string): void {
  sendText(res, 405, `Method not allowed; use ${allow}`, { allow });
}
