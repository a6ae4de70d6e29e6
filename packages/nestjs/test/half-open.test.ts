import { Controller, Get, Injectable, Param } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { BreakerRegistry, CircuitBreaker, TripswitchModule } from '../src/index.ts';
import { deferred, manualClock, startApp } from './nest-app.ts';

/** An upstream the test holds: calls wait on `gate`, and every arrival is counted. */
@Injectable()
class Upstream {
  arrivals = 0;
  failing = false;
  gate = deferred();
  #arrived: { count: number; done: () => void } | undefined;

  /** Resolves once `count` calls have arrived in all. */
  arrived(count: number): Promise<void> {
    if (this.arrivals >= count) return Promise.resolve();
    return new Promise((resolve) => {
      this.#arrived = { count, done: resolve };
    });
  }

  @CircuitBreaker('upstream')
  async call(id: string): Promise<string> {
    this.arrivals++;
    if (this.#arrived !== undefined && this.arrivals >= this.#arrived.count) this.#arrived.done();
    await this.gate.promise;
    if (this.failing) throw new Error('upstream is down');
    return `answer ${id}`;
  }
}

@Controller('call')
class CallController {
  readonly #upstream: Upstream;

  constructor(upstream: Upstream) {
    this.#upstream = upstream;
  }

  @Get(':id')
  async call(@Param('id') id: string) {
    return { answer: await this.#upstream.call(id) };
  }
}

async function startOpen(halfOpenMaxCalls: number) {
  const clock = manualClock();
  const running = await startApp({
    imports: [
      TripswitchModule.forRoot({
        defaults: { clock, minimumCalls: 2, openDurationMs: 5_000, halfOpenMaxCalls },
      }),
    ],
    providers: [Upstream],
    controllers: [CallController],
  });
  const upstream = running.app.get(Upstream);
  const breaker = running.app.get(BreakerRegistry).get('upstream');
  upstream.failing = true;
  upstream.gate.resolve();
  expect((await running.get('/call/a')).status).toBe(500);
  expect((await running.get('/call/b')).status).toBe(500);
  expect(breaker.state).toBe('open');
  upstream.failing = false;
  upstream.arrivals = 0;
  upstream.gate = deferred();
  clock.advance(5_000);
  return { ...running, upstream, breaker, clock };
}

/** Sends `count` requests at once; resolves when `settled` of them have answered. */
function burst(get: (path: string) => Promise<Response>, count: number) {
  const statuses: number[] = [];
  const waiters: Array<{ count: number; done: () => void }> = [];
  const responses = Array.from({ length: count }, (_, i) =>
    get(`/call/${i}`).then((response) => {
      statuses.push(response.status);
      for (const waiter of waiters) if (statuses.length >= waiter.count) waiter.done();
      return response;
    }),
  );
  const answered = (n: number) =>
    new Promise<void>((resolve) => {
      if (statuses.length >= n) resolve();
      else waiters.push({ count: n, done: resolve });
    });
  return { statuses, responses, answered };
}

describe('half-open under a burst', () => {
  it.each([1, 3])(
    'lets exactly halfOpenMaxCalls = %i trial calls reach the method',
    async (max) => {
      const { get, upstream, breaker } = await startOpen(max);
      const requests = 12;
      const { statuses, responses, answered } = burst(get, requests);

      // The refused requests answer at once; the admitted ones wait at the upstream.
      await answered(requests - max);
      await upstream.arrived(max);
      expect(upstream.arrivals).toBe(max);
      expect(statuses).toEqual(Array(requests - max).fill(503));
      expect(breaker.state).toBe('half-open');
      expect(breaker.inFlight).toBe(max);

      upstream.gate.resolve();
      const all = await Promise.all(responses);
      expect(all.filter((response) => response.status === 200)).toHaveLength(max);
      expect(upstream.arrivals).toBe(max);
      expect(breaker.state).toBe('closed');
      expect(breaker.inFlight).toBe(0);
    },
  );

  it('reopens when the trials fail; the second failure changes nothing', async () => {
    const { get, upstream, breaker } = await startOpen(2);
    upstream.failing = true;
    const { statuses, responses, answered } = burst(get, 6);
    await answered(4);
    await upstream.arrived(2);
    expect(statuses).toEqual([503, 503, 503, 503]);

    upstream.gate.resolve();
    const all = (await Promise.all(responses)).map((response) => response.status);
    expect(all.filter((status) => status === 500)).toHaveLength(2);
    expect(upstream.arrivals).toBe(2);
    expect(breaker.state).toBe('open');
    expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { rejected: 4 } });
  });
});
