import type { ServerResponse } from 'node:http';
import type { BreakerRegistry, BreakerStats } from '@tripswitch/core';
import { RateTracker } from './rate-tracker.ts';
import { baseHeaders, safeJson } from './respond.ts';
import { type Rates, toSnapshot } from './snapshot.ts';

/** How long a page's EventSource waits before reconnecting after the stream dropped, in ms. */
const reconnectMs = 2000;

/**
 * @internal Serves one page's data stream: server-sent `snapshot` events, one at once, one every
 * `intervalMs`, and one as soon as any circuit changes state. The stream owns one interval timer
 * and one registry listener, both released when the connection closes, whoever closes it.
 */
export function serveEventStream(
  res: ServerResponse,
  registry: BreakerRegistry,
  intervalMs: number,
  streams: Set<ServerResponse>,
): void {
  // The client may have gone while an earlier middleware ran: 'close' would never come again.
  if (res.destroyed || res.socket?.destroyed === true) return;
  const first = registry.stats();
  const tracker = new RateTracker(first, performance.now());
  let open = true;
  let pushPending = false;

  const push = (stats: readonly BreakerStats[], rates: ReadonlyMap<string, Rates> | undefined) => {
    // A client that does not read loses snapshots rather than growing our buffer: the next one
    // supersedes them anyway.
    if (!open || res.writableNeedDrain) return;
    res.write(`event: snapshot\ndata: ${safeJson(toSnapshot(stats, rates, Date.now()))}\n\n`);
  };
  const tick = (): void => {
    const stats = registry.stats();
    push(stats, tracker.measure(stats, performance.now()));
  };
  const onStateChange = (): void => {
    // Several transitions in one turn (a listener reacting, a burst of calls) make one push,
    // taken after the breaker has finished its transition.
    if (pushPending) return;
    pushPending = true;
    queueMicrotask(() => {
      pushPending = false;
      // Rates keep the last interval's measure: a reading a few milliseconds long is noise.
      push(registry.stats(), tracker.rates);
    });
  };

  const timer = setInterval(tick, intervalMs);
  const unsubscribe = registry.on('stateChange', onStateChange);
  streams.add(res);
  res.once('close', () => {
    open = false;
    clearInterval(timer);
    unsubscribe();
    streams.delete(res);
  });

  res.writeHead(200, {
    ...baseHeaders,
    // no-transform: compression middleware must not buffer the stream.
    'cache-control': 'no-store, no-transform',
    'content-type': 'text/event-stream; charset=utf-8',
    // nginx buffers proxied responses unless told otherwise.
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${reconnectMs}\n\n`);
  push(first, undefined);
}
