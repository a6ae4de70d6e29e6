// A refusal from an HTTP client's breaker — here a real got client with @tripswitch/got, whose
// breaker is named by the origin it calls — reaches the public as a 503 that names no origin,
// unless the module's `problem` option puts the name back.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Inject } from '@nestjs/common';
import { breakerHooks } from '@tripswitch/got';
import got, { type Got } from 'got';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type RefusalProblemFunction, TripswitchModule } from '../src/index.ts';
import { startApp } from './nest-app.ts';

const inventoryClient = Symbol('inventory client');

@Controller('stock')
class StockController {
  readonly #inventory: Got;

  constructor(@Inject(inventoryClient) inventory: Got) {
    this.#inventory = inventory;
  }

  @Get()
  async stock(): Promise<unknown> {
    return this.#inventory.get('stock/42').json();
  }
}

/** An upstream on 127.0.0.1 that always fails; its origin is what must not leak. */
async function failingUpstream(): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(500).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A Nest app whose controller calls the upstream through got with per-origin breakers. */
async function appCallingInventory(module: ReturnType<typeof TripswitchModule.forRoot>) {
  const upstream = await failingUpstream();
  const client = got.extend(
    { prefixUrl: upstream, retry: { limit: 0 } },
    breakerHooks({ consecutiveFailures: 1, openDurationMs: 30_000, clock: { now: () => 0 } }),
  );
  const app = await startApp({
    imports: [module],
    controllers: [StockController],
    providers: [{ provide: inventoryClient, useValue: client }],
  });
  // The first call fails and opens the client's breaker; the second is refused by it.
  expect((await app.get('/stock')).status).toBe(500);
  return { app, upstream, refused: await app.get('/stock') };
}

describe('a refusal from an HTTP client’s breaker, through the filter', () => {
  it('names neither the breaker nor the origin it calls', async () => {
    const { upstream, refused } = await appCallingInventory(TripswitchModule.forRoot());
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    const body = await refused.text();
    expect(body).not.toContain(upstream);
    expect(body).not.toContain('127.0.0.1');
    expect(JSON.parse(body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'A circuit breaker refused the call; retry in 30 s',
      code: 'ERR_CIRCUIT_OPEN',
      retryAfterMs: 30_000,
    });
  });

  it('names it when problem puts the name back', async () => {
    const problem: RefusalProblemFunction = (error, document) => ({
      ...document,
      breaker: error.breakerName,
    });
    const { upstream, refused } = await appCallingInventory(TripswitchModule.forRoot({ problem }));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', breaker: upstream });
  });

  it('takes problem from forRootAsync() too, beside the factory', async () => {
    const { refused } = await appCallingInventory(
      TripswitchModule.forRootAsync({
        useFactory: () => ({}),
        problem: () => ({ message: 'Stock levels are unavailable for now' }),
      }),
    );
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ message: 'Stock levels are unavailable for now' });
  });
});
