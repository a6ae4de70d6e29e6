import type { ServerResponse } from 'node:http';
import { baseHeaders } from './respond.ts';
import type { SnapshotBroadcast } from './snapshot-broadcast.ts';

/** How long a page's EventSource waits before reconnecting after the stream dropped, in ms. */
const reconnectMs = 2000;

/**
 * @internal Serves one page's data stream: server-sent `snapshot` events, one at once, one every
 * `intervalMs`, and one soon after any circuit changes state — all from the handler's one
 * {@link SnapshotBroadcast}, which lets the stream go when its connection closes.
 */
export function serveEventStream(res: ServerResponse, broadcast: SnapshotBroadcast): void {
  // The client may have gone while an earlier middleware ran: 'close' would never come again.
  if (res.destroyed || res.socket?.destroyed === true) return;
  res.writeHead(200, {
    ...baseHeaders,
    // no-transform: compression middleware must not buffer the stream.
    'cache-control': 'no-store, no-transform',
    'content-type': 'text/event-stream; charset=utf-8',
    // nginx buffers proxied responses unless told otherwise.
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${reconnectMs}\n\n`);
  broadcast.add(res);
}
