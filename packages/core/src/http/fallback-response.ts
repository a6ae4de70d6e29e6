import { InvalidOptionError } from '../errors.ts';

/**
 * A response described as data, for clients that have no response class a fallback could build
 * (got, undici): the adapter hands it to the client as if the server had sent it.
 */
export interface FallbackResponse {
  /** The status, an integer from 200 to 599. */
  statusCode: number;
  /** The status text. @defaultValue the standard one, chosen by the client */
  statusMessage?: string | undefined;
  /**
   * The headers. `content-length` is set from the body, and `content-encoding` and
   * `transfer-encoding` are left out: the body is given as the caller reads it.
   * @defaultValue none
   */
  headers?: Readonly<Record<string, string | number | readonly string[] | undefined>> | undefined;
  /** The body: text (sent as UTF-8) or bytes. @defaultValue empty */
  body?: string | Uint8Array | undefined;
}

/** A {@link FallbackResponse} checked, with its headers in lower case and its body in bytes. */
export interface ResolvedFallbackResponse {
  /** The status code, from 200 to 599. */
  readonly statusCode: number;
  /** The reason phrase, when one was given. */
  readonly statusMessage: string | undefined;
  /** The headers, their names in lower case. */
  readonly headers: Record<string, string | string[]>;
  /** The body, whole and decoded. */
  readonly body: Uint8Array;
}

const expected =
  'a function returning { statusCode, statusMessage?, headers?, body? }: statusCode an integer from 200 to 599, headers an object of strings, body a string or a Uint8Array';

// Framing is the transport's business: the body handed over is already whole and decoded.
const framingHeaders = new Set(['content-length', 'content-encoding', 'transfer-encoding']);

/**
 * Checks what a fallback returned for a client that takes a {@link FallbackResponse}, and puts
 * it in the form the adapter delivers: headers in lower case with `content-length` from the
 * body, the body in bytes.
 *
 * @throws `InvalidOptionError` naming `fallback` when `value` is no such response.
 */
export function resolveFallbackResponse(value: unknown): ResolvedFallbackResponse {
  if (typeof value !== 'object' || value === null) {
    throw new InvalidOptionError('fallback', value, expected);
  }
  const { statusCode, statusMessage, headers = {}, body } = value as FallbackResponse;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 200 ||
    statusCode > 599 ||
    (statusMessage !== undefined && typeof statusMessage !== 'string') ||
    typeof headers !== 'object' ||
    headers === null
  ) {
    throw new InvalidOptionError('fallback', value, expected);
  }
  let bytes: Uint8Array;
  if (body === undefined) bytes = new Uint8Array(0);
  else if (typeof body === 'string') bytes = new TextEncoder().encode(body);
  else if (body instanceof Uint8Array) bytes = body;
  else throw new InvalidOptionError('fallback', value, expected);
  const entries: Array<[string, string | string[]]> = [];
  for (const [name, given] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (given === undefined || framingHeaders.has(lower)) continue;
    if (typeof given === 'string' || typeof given === 'number') {
      entries.push([lower, String(given)]);
    } else if (Array.isArray(given) && given.every((item) => typeof item === 'string')) {
      entries.push([lower, [...given]]);
    } else {
      throw new InvalidOptionError('fallback', value, expected);
    }
  }
  entries.push(['content-length', String(bytes.byteLength)]);
  // fromEntries defines own properties, so a header named __proto__ stays a header.
  return { statusCode, statusMessage, headers: Object.fromEntries(entries), body: bytes };
}
