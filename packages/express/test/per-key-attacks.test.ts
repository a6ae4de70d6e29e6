// Per-key breakers tried as an attacker would: requests held open on many paths, floods of new
// paths, every breaker open. An open breaker is never evicted, a failing route's evidence
// survives a flood, and a request on a new path is still served when nothing may be evicted.
import { connect } from 'node:net';
import type { RegistryHealth } from '@tripswitch/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { breakerMiddleware, circuitsHealth, type KeyedMiddlewareOptions } from '../src/index.ts';
import { type Deferred, deferred } from './deferred.ts';
import { type CreateApp, expresses } from './expresses.ts';
import { get, serve } from './serve.ts';

/** Resolves the `n`th time `count()` is called, and every time after. */
function counter(): { count(): void; reached(n: number): Promise<void> } {
  let seen = 0;
  const waiters = new Map<number, Deferred<void>>();
  return {
    count() {
      seen++;
      waiters.get(seen)?.resolve();
    },
    reached(n) {
      if (seen >= n) return Promise.resolve();
      const waiter = deferred();
      waiters.set(n, waiter);
      return waiter.promise;
    },
  };
}

/**
 * An app with per-path breakers: GET /fail/:n answers 500, POST /held/:n waits for a body, any
 * other GET answers 200. `settled` counts the requests the middleware has judged (through
 * `isFailure`, which it calls as it settles), so a test waits for judgements, not for time.
 */
async function keyedApp(express: CreateApp, options: Omit<KeyedMiddlewareOptions, 'key'>) {
  const app = express();
  const settled = counter();
  const held = counter();
  let failHandled = 0;
  app.get('/health/circuits', circuitsHealth());
  app.use(
    breakerMiddleware({
      key: (req) => req.path,
      clock: { now: () => 0 },
      isFailure: (status) => {
        settled.count();
        return status >= 500;
      },
      ...options,
    }),
  );
  app.get('/fail/:n', (_req, res) => {
    failHandled++;
    res.sendStatus(500);
  });
  app.post('/held/:n', (req, res) => {
    held.count();
    req.resume();
    req.on('end', () => res.send('ok'));
  });
  app.get('/:path', (_req, res) => {
    res.send('ok');
  });
  const url = await serve(app);
  return {
    url,
    settled,
    held,
    failHandled: () => failHandled,
    health: async () => JSON.parse((await get(`${url}/health/circuits`)).body) as RegistryHealth,
  };
}

/** Sends a request's headers, announcing a body that never comes: the request stays in flight. */
function holdOpen(url: string, path: string): void {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  socket.on('error', () => {});
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n`,
  );
  onTestFinished(() => {
    socket.destroy();
  });
}

describe.each(expresses)('%s: per-key breakers under attack', (_label, express) => {
  it('never evicts the open breaker of a failing route, with maxKeys requests held open', async () => {
    const app = await keyedApp(express, {
      maxKeys: 50,
      minimumCalls: 2,
      failureRateThreshold: 100,
      openDurationMs: 60_000,
    });
    await get(`${app.url}/fail/1`);
    await get(`${app.url}/fail/1`);
    await app.settled.reached(2);

    for (let i = 0; i < 50; i++) holdOpen(app.url, `/held/${i}`);
    await app.held.reached(50);

    const reply = await get(`${app.url}/fail/1`);
    expect(reply.status).toBe(503);
    expect(app.failHandled()).toBe(2);
    const health = await app.health();
    expect(health.breakers.length).toBeLessThanOrEqual(50);
    expect(health.breakers.find((breaker) => breaker.name === '/fail/1')).toMatchObject({
      state: 'open',
    });
    expect(health.overflows).toBe(0);
  });

  it('opens a failing route as soon as without the flood, with 150 new paths between its requests', async () => {
    const options = { maxKeys: 100, minimumCalls: 5, failureRateThreshold: 50 };

    /** How many requests GET /fail/1 takes to be refused, with or without a flood after each. */
    async function requestsToOpen(flood: boolean): Promise<number> {
      const app = await keyedApp(express, options);
      let judged = 0;
      for (let round = 1; round <= 20; round++) {
        const reply = await get(`${app.url}/fail/1`);
        if (reply.status === 503) return round - 1;
        await app.settled.reached(++judged);
        if (!flood) continue;
        const replies = await Promise.all(
          Array.from({ length: 150 }, (_, i) => get(`${app.url}/flood-${round}-${i}`)),
        );
        for (const flooded of replies) expect(flooded.status).toBe(200);
        judged += 150;
        await app.settled.reached(judged);
      }
      return Number.POSITIVE_INFINITY;
    }

    const needed = await requestsToOpen(false);
    expect(needed).toBe(5);
    const withFlood = await requestsToOpen(true);
    expect(withFlood).toBeLessThanOrEqual(2 * needed);
  });

  it('serves a new path when every breaker is open, and counts it in the health report', async () => {
    const app = await keyedApp(express, { maxKeys: 3, consecutiveFailures: 1 });
    for (let n = 1; n <= 3; n++) {
      await get(`${app.url}/fail/${n}`);
      await app.settled.reached(n);
    }

    const reply = await get(`${app.url}/new-path`);
    expect(reply.status).toBe(200);
    expect((await get(`${app.url}/fail/1`)).status).toBe(503);

    const health = await app.health();
    expect(health.overflows).toBe(1);
    expect(health.breakers.map(({ name, state }) => [name, state])).toEqual([
      ['/fail/1', 'open'],
      ['/fail/2', 'open'],
      ['/fail/3', 'open'],
    ]);
  });
});
