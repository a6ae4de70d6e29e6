import { Readable } from 'node:stream';
import type { FallbackResponse } from '@tripswitch/core/http';
import { resolveFallbackResponse } from '@tripswitch/core/internal';
import type { Response } from 'got';

/**
 * What a got client's `fallback` answers with: a response described as data, or a got `Response`
 * kept from an earlier request, whose `rawBody` (the body as it arrived, decoded) is sent again.
 */
export type GotFallbackResponse = FallbackResponse | Response<unknown>;

/** The fields of a response got reads from what a `beforeRequest` hook returns. */
export interface ResponseLike extends Readable {
  statusCode: number;
  statusMessage: string | undefined;
  headers: Record<string, string | string[]>;
  httpVersion: string;
  complete: boolean;
}

/**
 * Turns a fallback's answer into what got takes from a `beforeRequest` hook instead of sending
 * the request (as its own cache does): a readable stream with a status and headers, which got
 * reads as a server's response — decoding, `afterResponse` hooks, `throwHttpErrors`, `.json()`
 * and streams alike.
 *
 * @throws `InvalidOptionError` naming `fallback` when `answer` is no response.
 */
export function responseLike(answer: unknown, method: string): ResponseLike {
  const { statusCode, statusMessage, headers, body } = resolveFallbackResponse(keptBodyOf(answer));
  const chunks = method === 'HEAD' || body.byteLength === 0 ? [] : [Buffer.from(body)];
  return Object.assign(Readable.from(chunks, { objectMode: false }), {
    statusCode,
    statusMessage,
    headers,
    httpVersion: '1.1',
    complete: true,
  });
}

// A got Response's body may be parsed (responseType: 'json'); its rawBody is the bytes.
function keptBodyOf(answer: unknown): unknown {
  if (typeof answer !== 'object' || answer === null) return answer;
  const { rawBody } = answer as { rawBody?: unknown };
  if (!(rawBody instanceof Uint8Array)) return answer;
  const { statusCode, statusMessage, headers } = answer as FallbackResponse;
  return { statusCode, statusMessage, headers, body: rawBody };
}
