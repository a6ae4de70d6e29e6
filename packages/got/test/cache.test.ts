// got's `cache` answers some attempts without asking the origin: those say nothing of its
// health, and must not close a half-open circuit.
import { describe, expect, it } from 'vitest';
import { client, gots, rejection } from './support/setup.ts';
import { startUpstream } from './support/upstream.ts';

describe.each(gots)('$name: got’s cache', ({ got }) => {
  it('a response from the cache is ignored: a half-open trial it answers does not close the circuit', async () => {
    const upstream = await startUpstream((request, response) => {
      if (request.url === '/kept') {
        response.setHeader('cache-control', 'public, max-age=3600');
        response.end('kept');
      } else {
        response.statusCode = 500;
        response.end();
      }
    });
    const c = client(
      got,
      { consecutiveFailures: 1, openDurationMs: 1_000, halfOpenMaxCalls: 1 },
      { cache: new Map() },
    );
    expect((await c.got(`${upstream.url}/kept`)).isFromCache).toBe(false);
    await rejection(c.got(`${upstream.url}/down`));
    c.now = 1_000;

    const kept = await c.got(`${upstream.url}/kept`);

    expect(kept.isFromCache).toBe(true);
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'half-open',
      inFlight: 0,
      totals: { successes: 1, failures: 1, ignored: 1 },
    });
    // The next trial goes to the origin, which is still failing.
    await rejection(c.got(`${upstream.url}/down`));
    expect(c.breaker(upstream.url).state).toBe('open');
  });
});
