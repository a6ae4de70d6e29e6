// Behind a global catch-all filter — the common @Catch() that answers an HttpException with its
// status and anything else with 500 — a refused call still reaches the client as 503 with
// Retry-After, on the Express platform.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  HttpException,
  Inject,
  Injectable,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { breakerHooks } from '@tripswitch/got';
import got, { type Got } from 'got';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  BreakerRefusalException,
  BreakerRefusalInterceptor,
  BreakerRegistry,
  BulkheadFullError,
  CircuitBreaker,
  CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
  TripswitchModule,
  type TripswitchModuleOptions,
} from '../src/index.ts';
import { manualClock } from './nest-app.ts';

/** What the catch-all filters saw, for the test to look at. */
const seen: unknown[] = [];

/** The catch-all of Nest's documentation: an HttpException's status, or 500. */
@Catch()
class CatchEverythingFilter implements ExceptionFilter {
  readonly #adapterHost: HttpAdapterHost;

  constructor(@Inject(HttpAdapterHost) adapterHost: HttpAdapterHost) {
    this.#adapterHost = adapterHost;
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    seen.push(exception);
    const { httpAdapter } = this.#adapterHost;
    const context = host.switchToHttp();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    httpAdapter.reply(
      context.getResponse(),
      { statusCode: status, caughtBy: 'everything' },
      status,
    );
  }
}

/** A catch-all that sends an HttpException's own response as the body. */
@Catch()
class ResponseBodyFilter implements ExceptionFilter {
  constructor(@Inject(HttpAdapterHost) _adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    seen.push(exception);
    const response = host.switchToHttp().getResponse<{
      status(code: number): { json(body: unknown): void };
    }>();
    if (exception instanceof HttpException) {
      response.status(exception.getStatus()).json(exception.getResponse());
    } else {
      response.status(500).json({ message: 'Internal server error' });
    }
  }
}

@Injectable()
class InventoryService {
  failing = true;

  @CircuitBreaker('inventory')
  async stock(): Promise<{ level: number }> {
    if (this.failing) throw new Error('inventory is down');
    return { level: 7 };
  }
}

/** Holds every call of `held()` until the test opens the gate. */
const gate = { open: (): void => {}, arrived: (): void => {} };

@Injectable()
class SlowService {
  @CircuitBreaker('slow', { bulkhead: { maxConcurrent: 1 } })
  async held(): Promise<string> {
    gate.arrived();
    await new Promise<void>((resolve) => {
      gate.open = resolve;
    });
    return 'done';
  }
}

const pricingClient = Symbol('pricing client');

@Controller()
class ShopController {
  readonly #inventory: InventoryService;
  readonly #pricing: Got;

  readonly #slow: SlowService;

  constructor(
    @Inject(InventoryService) inventory: InventoryService,
    @Inject(pricingClient) pricing: Got,
    @Inject(SlowService) slow: SlowService,
  ) {
    this.#inventory = inventory;
    this.#pricing = pricing;
    this.#slow = slow;
  }

  @Get('slow')
  slow(): Promise<string> {
    return this.#slow.held();
  }

  @Get('stock')
  stock(): Promise<{ level: number }> {
    return this.#inventory.stock();
  }

  @Get('price')
  price(): Promise<unknown> {
    return this.#pricing.get('price/42').json();
  }

  @Get('broken')
  broken(): never {
    throw new Error('a bug');
  }
}

/** Pricing alone, for an application without TripswitchModule. */
@Controller()
class PriceController {
  readonly #pricing: Got;

  constructor(@Inject(pricingClient) pricing: Got) {
    this.#pricing = pricing;
  }

  @Get('price')
  price(): Promise<unknown> {
    return this.#pricing.get('price/42').json();
  }
}

/** An upstream on 127.0.0.1 that always fails: the pricing service behind the got client. */
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

interface ShopOptions {
  /** How the catch-all is installed: `app.useGlobalFilters()` in main.ts (the documented way), or an APP_FILTER provider. */
  install?: 'useGlobalFilters' | 'APP_FILTER';
  openDurationMs?: number;
  halfOpenMaxCalls?: number;
  problem?: TripswitchModuleOptions['problem'];
}

/**
 * A shop whose inventory breaker (and the got client's, for pricing) opens on one failure, behind
 * `filter`, on the Express platform, listening on 127.0.0.1 until the test ends.
 */
async function shop(
  filter: new (adapterHost: HttpAdapterHost) => ExceptionFilter,
  options: ShopOptions = {},
) {
  const {
    install = 'useGlobalFilters',
    openDurationMs = 30_000,
    halfOpenMaxCalls,
    problem,
  } = options;
  seen.length = 0;
  const clock = manualClock();
  const pricing = got.extend(
    { prefixUrl: await failingUpstream(), retry: { limit: 0 } },
    breakerHooks({ consecutiveFailures: 1, openDurationMs, clock }),
  );
  const moduleRef = await Test.createTestingModule({
    imports: [
      TripswitchModule.forRoot({
        defaults: {
          clock,
          consecutiveFailures: 1,
          openDurationMs,
          ...(halfOpenMaxCalls === undefined ? {} : { halfOpenMaxCalls }),
        },
        ...(problem === undefined ? {} : { problem }),
      }),
    ],
    controllers: [ShopController],
    providers: [
      InventoryService,
      SlowService,
      { provide: pricingClient, useValue: pricing },
      ...(install === 'APP_FILTER' ? [{ provide: APP_FILTER, useClass: filter }] : []),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  onTestFinished(() => app.close());
  // As main.ts does it: after the module's own filter, so this one is asked first.
  if (install === 'useGlobalFilters') app.useGlobalFilters(new filter(app.get(HttpAdapterHost)));
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    clock,
    registry: app.get(BreakerRegistry),
    get: (path: string) => fetch(`${url}${path}`),
  };
}

describe('a refusal behind a catch-all filter', () => {
  it('reaches the client as 503 with Retry-After, not 500', async () => {
    const { get, registry } = await shop(CatchEverythingFilter);
    expect((await get('/stock')).status).toBe(500);
    expect(registry.get('inventory').state).toBe('open');

    const refused = await get('/stock');

    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.json()).toEqual({ statusCode: 503, caughtBy: 'everything' });
    // The catch-all answered it: an HttpException that is still the refusal.
    const exception = seen.at(-1);
    expect(exception).toBeInstanceOf(BreakerRefusalException);
    expect(exception).toBeInstanceOf(HttpException);
    expect(exception).toBeInstanceOf(CircuitOpenError);
    expect(isCircuitOpenError(exception)).toBe(true);
    expect(exception).toMatchObject({
      code: 'ERR_CIRCUIT_OPEN',
      breakerName: 'inventory',
      reason: 'open',
      retryAfterMs: 30_000,
      message: 'A circuit breaker refused the call; retry in 30 s',
    });
    expect((exception as BreakerRefusalException).cause).toBeInstanceOf(CircuitOpenError);
    expect((exception as BreakerRefusalException).getStatus()).toBe(503);
  });

  it('gives a filter that sends getResponse() the problem document, naming no breaker', async () => {
    const { get } = await shop(ResponseBodyFilter);
    await get('/stock');

    const refused = await get('/stock');

    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    const body = await refused.text();
    expect(body).not.toContain('inventory');
    expect(JSON.parse(body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'A circuit breaker refused the call; retry in 30 s',
      code: 'ERR_CIRCUIT_OPEN',
      retryAfterMs: 30_000,
    });
  });

  it('shapes that document with the module’s problem option', async () => {
    const { get } = await shop(ResponseBodyFilter, {
      problem: (error, problem) => ({ ...problem, breaker: error.breakerName }),
    });
    await get('/stock');
    const refused = await get('/stock');
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ breaker: 'inventory' });
  });

  it('answers a refusal from an HTTP client’s breaker (got) with 503 too, naming no origin', async () => {
    const { get } = await shop(ResponseBodyFilter);
    expect((await get('/price')).status).toBe(500);

    const refused = await get('/price');

    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    const body = await refused.text();
    expect(body).not.toContain('127.0.0.1');
    expect(JSON.parse(body)).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', retryAfterMs: 30_000 });
  });

  it('answers 503 with Retry-After when the catch-all is an APP_FILTER provider too', async () => {
    const { get } = await shop(CatchEverythingFilter, { install: 'APP_FILTER' });
    await get('/stock');
    const refused = await get('/stock');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
  });

  it('answers a full bulkhead with 503 and Retry-After: 1, as a BulkheadFullError', async () => {
    const { get } = await shop(CatchEverythingFilter);
    const arrived = new Promise<void>((resolve) => {
      gate.arrived = resolve;
    });
    const first = get('/slow');
    await arrived;
    const refused = await get('/slow');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const exception = seen.at(-1);
    expect(isBulkheadFullError(exception)).toBe(true);
    expect(exception).toBeInstanceOf(BulkheadFullError);
    expect(exception).toMatchObject({ code: 'ERR_BULKHEAD_FULL', maxConcurrent: 1, maxQueue: 0 });
    gate.open();
    expect(await (await first).text()).toBe('done');
  });

  it('leaves other errors to the filter as they were: 500', async () => {
    const { get } = await shop(CatchEverythingFilter);
    const reply = await get('/broken');
    expect(reply.status).toBe(500);
    expect(reply.headers.get('retry-after')).toBeNull();
    expect(seen.at(-1)).toEqual(new Error('a bug'));
  });

  it('passes a half-open refusal on with the Retry-After of a moment', async () => {
    const { get, clock, registry, app } = await shop(CatchEverythingFilter, {
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
    });
    const inventory = app.get(InventoryService);
    await get('/stock');
    clock.advance(1_000);
    // Hold the one trial slot with a call the test makes itself.
    const trial = registry.get('inventory').tryAcquire();
    expect(trial).not.toBeNull();
    const refused = await get('/stock');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    trial?.ignore();
    inventory.failing = false;
    expect((await get('/stock')).status).toBe(200);
  });

  it('with filter: false, converts nothing, until the interceptor is put where you choose', async () => {
    seen.length = 0;
    const clock = manualClock();
    const moduleRef = await Test.createTestingModule({
      imports: [
        TripswitchModule.forRoot({
          defaults: { clock, consecutiveFailures: 1, openDurationMs: 30_000 },
          filter: false,
        }),
      ],
      controllers: [ShopController],
      providers: [InventoryService, SlowService, { provide: pricingClient, useValue: got }],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    onTestFinished(() => app.close());
    app.useGlobalFilters(new CatchEverythingFilter(app.get(HttpAdapterHost)));
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await fetch(`${url}/stock`);
    // Nothing of Tripswitch's is installed: the catch-all sees the core's error, and answers 500.
    expect((await fetch(`${url}/stock`)).status).toBe(500);
    expect(isCircuitOpenError(seen.at(-1))).toBe(true);
    expect(seen.at(-1)).not.toBeInstanceOf(HttpException);
  });
});

describe('what other code sees', () => {
  it('a decorated method called outside a request still rejects with the core’s CircuitOpenError', async () => {
    const { app, get } = await shop(CatchEverythingFilter);
    await get('/stock');
    const error = await app
      .get(InventoryService)
      .stock()
      .catch((thrown: unknown) => thrown);
    expect(isCircuitOpenError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(HttpException);
  });

  it('the interceptor works without the module, installed by hand for HTTP clients', async () => {
    seen.length = 0;
    const pricing = got.extend(
      { prefixUrl: await failingUpstream(), retry: { limit: 0 } },
      breakerHooks({ consecutiveFailures: 1, openDurationMs: 30_000, clock: { now: () => 0 } }),
    );
    // Started here rather than with startApp(): the interceptor goes in before listen().
    const moduleRef = await Test.createTestingModule({
      controllers: [PriceController],
      providers: [{ provide: pricingClient, useValue: pricing }],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    onTestFinished(() => app.close());
    app.useGlobalInterceptors(new BreakerRefusalInterceptor(app.get(HttpAdapterHost)));
    app.useGlobalFilters(new CatchEverythingFilter(app.get(HttpAdapterHost)));
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    expect((await fetch(`${url}/price`)).status).toBe(500);
    const refused = await fetch(`${url}/price`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
  });
});
