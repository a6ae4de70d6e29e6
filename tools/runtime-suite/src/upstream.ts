import type { IncomingMessage, ServerResponse } from 'node:http';
import { type OnTestFinished, startUpstream } from '@tripswitch/test-upstream';

/**
 * Starts the upstream the suite's fetch cases call, on 127.0.0.1: any path answers the status in
 * `?status=` (200 by default, with `Retry-After` from `?retryAfter=`), or never with `?hang=1`;
 * `/_count?path=` says how many requests for a path it received, and `/_arrived?path=` answers
 * once one has. Returns its URL.
 */
export async function startSuiteUpstream(onFinished: OnTestFinished): Promise<string> {
  const waiting = new Map<string, Array<ServerResponse>>();
  const counts = new Map<string, number>();
  const upstream = await startUpstream(onFinished, (request, response) => {
    const url = new URL(request.url ?? '/', 'http://upstream');
    if (url.pathname === '/_count') {
      const count = counts.get(url.searchParams.get('path') ?? '') ?? 0;
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ count }));
      return;
    }
    if (url.pathname === '/_arrived') {
      const path = url.searchParams.get('path') ?? '';
      if ((counts.get(path) ?? 0) > 0) response.end('arrived');
      else waiting.set(path, [...(waiting.get(path) ?? []), response]);
      return;
    }
    counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    for (const waiter of waiting.get(url.pathname) ?? []) waiter.end('arrived');
    waiting.delete(url.pathname);
    answer(url, request, response);
  });
  return upstream.url;
}

function answer(url: URL, _request: IncomingMessage, response: ServerResponse): void {
  if (url.searchParams.get('hang') === '1') return; // closed when the upstream stops
  const status = Number(url.searchParams.get('status') ?? 200);
  const retryAfter = url.searchParams.get('retryAfter');
  response.writeHead(status, retryAfter === null ? {} : { 'retry-after': retryAfter });
  response.end(`status ${status}`);
}
