import 'reflect-metadata';
import { createRequire } from 'node:module';
import { HttpAdapterHost } from '@nestjs/core';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { BreakerRefusalFilter, BreakerRegistry, TripswitchModule } from '@tripswitch/nestjs';
import { CircuitsHealthIndicator } from '@tripswitch/nestjs/terminus';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CheckController, HealthController, Quotes } from '../src/index.ts';

const require = createRequire(import.meta.url);

async function start() {
  let t = 0;
  const clock = { now: () => t };
  const moduleRef = await Test.createTestingModule({
    imports: [
      TripswitchModule.forRoot({ defaults: { clock, minimumCalls: 2, openDurationMs: 30_000 } }),
      TerminusModule.forRoot({ logger: false }),
    ],
    controllers: [CheckController, HealthController],
    providers: [Quotes, CircuitsHealthIndicator],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  onTestFinished(() => app.close());
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return {
    app,
    get: (path: string) => fetch(`${url}${path}`),
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('@tripswitch/nestjs, as built, on NestJS 11', () => {
  it('runs on Nest 11: the package and the application share one copy of it', () => {
    expect(require('@nestjs/core/package.json').version).toMatch(/^11\./);
    expect(require('@nestjs/common/package.json').version).toMatch(/^11\./);
    expect(require('@nestjs/terminus/package.json').version).toMatch(/^11\./);
    // Versions alone would not show which copy the package loaded: compare identities. The
    // classes the built package injects are this application's Nest 11 classes.
    const paramTypes = (target: object) =>
      (Reflect.getMetadata('self:paramtypes', target) as Array<{ param: unknown }>).map(
        ({ param }) => param,
      );
    expect(paramTypes(BreakerRefusalFilter)).toContain(HttpAdapterHost);
    expect(paramTypes(CircuitsHealthIndicator)).toContain(HealthIndicatorService);
  });

  it.each(['below', 'above'])(
    'protects a route with @CircuitBreaker() %s @Get()',
    async (where) => {
      const { app, get } = await start();
      const controller = app.get(CheckController);
      const breaker = app.get(BreakerRegistry).get(`CheckController.${where}`);

      const ok = await get(`/check/${where}/7`);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ id: '7' });
      expect((await get(`/check/${where}/7?fail=1`)).status).toBe(500);
      expect(breaker.state).toBe('open');

      const refused = await get(`/check/${where}/7`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(refused.headers.get('retry-after')).toBe('30');
      expect(await refused.json()).toEqual({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'A circuit breaker refused the call; retry in 30 s',
        code: 'ERR_CIRCUIT_OPEN',
        retryAfterMs: 30_000,
      });
      expect(controller.calls).toBe(2);
      expect(breaker.inFlight).toBe(0);
    },
  );

  it('serves the fallback of a provider method for failures and refusals', async () => {
    const { app, get } = await start();
    const quotes = app.get(Quotes);
    expect(await (await get('/check/quote/abc')).json()).toEqual({
      sku: 'abc',
      price: 300,
      cached: false,
    });
    quotes.failing = true;
    expect(await (await get('/check/quote/abc')).json()).toMatchObject({ cached: true });
    expect(app.get(BreakerRegistry).get('quotes').state).toBe('open');
    expect(await (await get('/check/quote/xyz')).json()).toEqual({
      sku: 'xyz',
      price: 0,
      cached: true,
    });
    expect(quotes.calls).toBe(2);
  });

  it('reports every breaker through the terminus health indicator', async () => {
    const { app, get } = await start();
    const healthy = await get('/health');
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({
      status: 'ok',
      info: { circuits: { status: 'up', breakers: expect.any(Array) } },
    });

    app.get(BreakerRegistry).isolate('quotes');
    const unhealthy = await get('/health');
    expect(unhealthy.status).toBe(503);
    expect(await unhealthy.json()).toMatchObject({
      status: 'error',
      error: {
        circuits: {
          status: 'down',
          breakers: expect.arrayContaining([
            expect.objectContaining({ name: 'quotes', state: 'forced-open' }),
          ]),
        },
      },
    });
  });
});
