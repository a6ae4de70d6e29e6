// undici's codes for a request it refused before sending anything: options no request may have
// (a header value with a line break, a content-length that is no number, a `transfer-encoding`,
// `keep-alive` or `upgrade` header, which undici sets itself) and features it does not offer
// (an `expect` header). The caller's own request is at fault, never the origin.
const refusedCodes = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/**
 * Whether `error` is undici's refusal to send a request as it was asked for: the caller's
 * mistake, which says nothing about the origin. Counting it would let whoever puts such values in
 * a request — a gateway forwarding a client's `Expect: 100-continue`, as curl sends with a large
 * upload — open a healthy origin's circuit.
 */
export function undiciRefusedToSend(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && refusedCodes.has(code);
}
