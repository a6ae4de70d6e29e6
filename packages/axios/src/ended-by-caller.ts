import type { InternalAxiosRequestConfig } from 'axios';

// Codes axios gives a request it refused to send as asked: an option it cannot use (a timeout
// that is no number), a body it cannot send or one larger than `maxBodyLength`, a URL or feature
// it does not support. ERR_BAD_REQUEST is also the code of a 4xx response, which is judged by its
// status before this is asked.
const refusedByAxios = new Set([
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_BAD_REQUEST',
  'ERR_INVALID_URL',
  'ERR_NOT_SUPPORT',
  // follow-redirects: the body is too large to keep for a redirect (its maxBodyLength).
  'ERR_FR_MAX_BODY_LENGTH_EXCEEDED',
]);

// Codes Node's http gives a request it cannot write: a method or header name that is no HTTP
// token, a header value with a control character, a path with unescaped characters.
const refusedByNode = new Set([
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_UNESCAPED_CHARACTERS',
  'ERR_INVALID_PROTOCOL',
]);

// How deep the request body's error is looked for in the `cause` chain: axios wraps it once
// (AxiosError.from), its fetch adapter twice at most.
const causeDepth = 3;

/**
 * Whether a request that got no response was ended by its caller's side, not by the service:
 * axios or Node refused to send it as asked (a header name from untrusted input with a space in
 * it, a body over `maxBodyLength`), or the body stream the caller gave failed — as the upload a
 * gateway forwards does when its client goes away, which axios reports as an `ECONNRESET` just
 * like a network error. Neither says anything about the service, and counting either a failure
 * would let whoever shapes a request, or a client that disconnects, open a healthy service's
 * circuit. Asked only about a rejection that carries no response.
 */
export function endedByCaller(config: InternalAxiosRequestConfig, error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (typeof code === 'string' && (refusedByAxios.has(code) || refusedByNode.has(code))) {
    return true;
  }
  return bodyFailed(config.data, error);
}

/** Whether `error` is, or wraps, the error the request's own body stream failed with. */
function bodyFailed(body: unknown, error: unknown): boolean {
  // A Node stream keeps the error it was destroyed with.
  const failure = (body as { errored?: unknown } | null | undefined)?.errored;
  if (typeof failure !== 'object' || failure === null) return false;
  let current = error;
  for (let depth = 0; depth < causeDepth; depth++) {
    if (current === failure) return true;
    if (typeof current !== 'object' || current === null) return false;
    current = (current as { cause?: unknown }).cause;
  }
  return current === failure;
}
