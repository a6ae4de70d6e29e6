import {
  type CallHandler,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  HttpCode,
  Injectable,
  type NestInterceptor,
  Param,
  ParseIntPipe,
  Query,
  SetMetadata,
  UseFilters,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { ExternalContextCreator, Reflector } from '@nestjs/core';
import { lastValueFrom, map, type Observable } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import {
  BreakerRefusalException,
  BreakerRefusalFilter,
  BreakerRegistry,
  CircuitBreaker,
  CircuitOpenError,
  TripswitchModule,
  type TripswitchModuleOptions,
} from '../src/index.ts';
import { deferred, manualClock, startApp } from './nest-app.ts';

const role = (name: string) => SetMetadata('role', name);

/** Lets a request in when it says `x-allow: yes` and its handler carries the `clerk` role. */
@Injectable()
class ClerkGuard implements CanActivate {
  static readonly handlers: string[] = [];
  readonly #reflector: Reflector;

  constructor(reflector: Reflector) {
    this.#reflector = reflector;
  }

  canActivate(context: ExecutionContext): boolean {
    ClerkGuard.handlers.push(context.getHandler().name);
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string> }>();
    return (
      this.#reflector.get('role', context.getHandler()) === 'clerk' &&
      request.headers['x-allow'] === 'yes'
    );
  }
}

@Injectable()
class TagInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((data) => ({ data, tagged: true })));
  }
}

@Injectable()
class ThrowAfterInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map(() => {
        throw new Error('the interceptor failed after the handler');
      }),
    );
  }
}

@Injectable()
class ThrowBeforeInterceptor implements NestInterceptor {
  intercept(): Observable<unknown> {
    throw new Error('the interceptor failed before the handler');
  }
}

const calls: Record<string, number> = {};
function answer(route: string, id: number, fail: string | undefined) {
  calls[route] = (calls[route] ?? 0) + 1;
  if (fail === '1') throw new Error(`${route} failed`);
  return { route, id };
}

// Every order of @Get, @UseGuards and @CircuitBreaker, with the guard's metadata above or below.
@Controller('ordered')
class OrderedController {
  @Get('get-guard-breaker/:id')
  @UseGuards(ClerkGuard)
  @CircuitBreaker()
  @role('clerk')
  getGuardBreaker(@Param('id', ParseIntPipe) id: number, @Query('fail') fail?: string) {
    return answer('getGuardBreaker', id, fail);
  }

  @role('clerk')
  @Get('get-breaker-guard/:id')
  @CircuitBreaker()
  @UseGuards(ClerkGuard)
  getBreakerGuard(@Param('id', ParseIntPipe) id: number, @Query('fail') fail?: string) {
    return answer('getBreakerGuard', id, fail);
  }

  @UseGuards(ClerkGuard)
  @Get('guard-get-breaker/:id')
  @CircuitBreaker()
  @role('clerk')
  guardGetBreaker(@Param('id', ParseIntPipe) id: number, @Query('fail') fail?: string) {
    return answer('guardGetBreaker', id, fail);
  }

  @role('clerk')
  @UseGuards(ClerkGuard)
  @CircuitBreaker()
  @Get('guard-breaker-get/:id')
  guardBreakerGet(@Param('id', ParseIntPipe) id: number, @Query('fail') fail?: string) {
    return answer('guardBreakerGet', id, fail);
  }

  @CircuitBreaker()
  @Get('breaker-get-guard/:id')
  @UseGuards(ClerkGuard)
  @role('clerk')
  breakerGetGuard(@Param('id', ParseIntPipe) id: number, @Query('fail') fail?: string) {
    return answer('breakerGetGuard', id, fail);
  }

  @role('clerk')
  @CircuitBreaker()
  @UseGuards(ClerkGuard)
  @Get('breaker-guard-get/:id')
  breakerGuardGet(@Param('id', ParseIntPipe) id: number, @Query('fail') fail?: string) {
    return answer('breakerGuardGet', id, fail);
  }
}

@Controller('other')
class OtherController {
  @UseInterceptors(TagInterceptor)
  @HttpCode(202)
  @CircuitBreaker()
  @Get('tagged-below')
  taggedBelow() {
    return answer('taggedBelow', 0, undefined);
  }

  @CircuitBreaker()
  @UseInterceptors(TagInterceptor)
  @HttpCode(202)
  @Get('tagged-above')
  taggedAbove() {
    return answer('taggedAbove', 0, undefined);
  }

  @Get('throw-after')
  @UseInterceptors(ThrowAfterInterceptor)
  @CircuitBreaker('throw-after')
  throwAfter() {
    return answer('throwAfter', 0, undefined);
  }

  @Get('throw-before')
  @UseInterceptors(ThrowBeforeInterceptor)
  @CircuitBreaker('throw-before')
  throwBefore() {
    return answer('throwBefore', 0, undefined);
  }

  @Get('async/:id')
  @CircuitBreaker('async-route')
  async asyncRoute(@Param('id') id: string, @Query('fail') fail?: string): Promise<unknown> {
    await Promise.resolve();
    return answer('asyncRoute', id.length, fail);
  }
}

const released = { gate: deferred(), arrived: deferred() };

@Controller('slow')
class SlowController {
  @Get()
  @CircuitBreaker('slow', { bulkhead: { maxConcurrent: 1 } })
  async slow(): Promise<string> {
    released.arrived.resolve();
    await released.gate.promise;
    return 'done';
  }
}

@Controller('filtered')
@UseFilters(BreakerRefusalFilter)
class FilteredController {
  @Get()
  @CircuitBreaker('filtered')
  call() {
    return 'ok';
  }
}

async function start(options: TripswitchModuleOptions = {}) {
  const clock = manualClock();
  const running = await startApp({
    imports: [
      TripswitchModule.forRoot({
        defaults: { clock, minimumCalls: 2, failureRateThreshold: 50, openDurationMs: 10_000 },
        ...options,
      }),
    ],
    controllers: [OrderedController, OtherController, SlowController, FilteredController],
    providers: [ClerkGuard],
  });
  return { ...running, clock, registry: running.app.get(BreakerRegistry) };
}

const allowed = { headers: { 'x-allow': 'yes' } };

function fail(): never {
  throw new Error('no JSON for this');
}

describe('@CircuitBreaker() on controller routes', () => {
  it.each([
    ['get-guard-breaker', 'getGuardBreaker'],
    ['get-breaker-guard', 'getBreakerGuard'],
    ['guard-get-breaker', 'guardGetBreaker'],
    ['guard-breaker-get', 'guardBreakerGet'],
    ['breaker-get-guard', 'breakerGetGuard'],
    ['breaker-guard-get', 'breakerGuardGet'],
  ])('works with @Get, @UseGuards, pipes and metadata in the order %s', async (path, method) => {
    const { get, registry } = await start();
    const breaker = registry.get(`OrderedController.${method}`);
    const before = calls[method] ?? 0;

    const ok = await get(`/ordered/${path}/7`, allowed);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ route: method, id: 7 });
    expect(ClerkGuard.handlers.at(-1)).toBe(method);

    // A guard that denies, and a pipe that rejects, stop the request before the breaker.
    expect((await get(`/ordered/${path}/7`)).status).toBe(403);
    expect((await get(`/ordered/${path}/seven`, allowed)).status).toBe(400);
    expect(calls[method]).toBe(before + 1);
    expect(breaker.stats().totals).toMatchObject({ successes: 1, failures: 0, rejected: 0 });

    expect((await get(`/ordered/${path}/7?fail=1`, allowed)).status).toBe(500);
    expect(breaker.state).toBe('open');
    const refused = await get(`/ordered/${path}/7`, allowed);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect(breaker.stats().totals.rejected).toBe(1);
    // The guard still runs first while the circuit is open.
    expect((await get(`/ordered/${path}/7`)).status).toBe(403);
    expect(calls[method]).toBe(before + 2);
    expect(breaker.inFlight).toBe(0);
  });

  it('keeps interceptors and @HttpCode above or below the decorator', async () => {
    const { get } = await start();
    for (const path of ['tagged-below', 'tagged-above']) {
      const response = await get(`/other/${path}`);
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({
        data: { route: expect.any(String), id: 0 },
        tagged: true,
      });
    }
  });

  it('settles the permit of a call that succeeded before an interceptor failed, and takes none when one fails before it', async () => {
    const { get, registry } = await start();
    expect((await get('/other/throw-after')).status).toBe(500);
    expect(registry.get('throw-after').stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0 },
    });

    const before = calls.throwBefore ?? 0;
    expect((await get('/other/throw-before')).status).toBe(500);
    expect(calls.throwBefore ?? 0).toBe(before);
    expect(registry.get('throw-before').stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 0, failures: 0, rejected: 0 },
    });
  });
});

describe('the refusal filter', () => {
  it('answers an open circuit with 503, Retry-After and the problem document, exactly', async () => {
    const { get, clock } = await start();
    expect((await get('/other/async/a')).status).toBe(200);
    expect((await get('/other/async/a?fail=1')).status).toBe(500);

    const refused = await get('/other/async/a');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(refused.headers.has('etag')).toBe(false);
    expect(await refused.text()).toBe(
      JSON.stringify({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'A circuit breaker refused the call; retry in 10 s',
        code: 'ERR_CIRCUIT_OPEN',
        retryAfterMs: 10_000,
      }),
    );

    clock.advance(2_500);
    const later = await get('/other/async/a');
    expect(later.headers.get('retry-after')).toBe('8');
    expect(await later.json()).toMatchObject({ retryAfterMs: 7_500 });
  });

  it('leaves Retry-After out for a circuit forced open', async () => {
    const { get, registry } = await start();
    registry.isolate('async-route');
    const refused = await get('/other/async/a');
    expect(refused.status).toBe(503);
    expect(refused.headers.has('retry-after')).toBe(false);
    expect(await refused.json()).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'A circuit breaker refused the call: it is held open',
      code: 'ERR_CIRCUIT_OPEN',
    });
  });

  it('answers a full bulkhead with 503 and Retry-After: 1', async () => {
    const { get, registry } = await start();
    released.gate = deferred();
    released.arrived = deferred();
    const first = get('/slow');
    await released.arrived.promise;

    const refused = await get('/slow');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ code: 'ERR_BULKHEAD_FULL', retryAfterMs: 1_000 });

    released.gate.resolve();
    expect(await (await first).text()).toBe('done');
    expect(registry.get('slow').inFlight).toBe(0);
  });

  it('names the breaker when the module’s problem option puts the name in', async () => {
    const { get, registry } = await start({
      problem: (error, problem) => ({ ...problem, breaker: error.breakerName }),
    });
    registry.isolate('async-route');
    const refused = await get('/other/async/a');
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({
      code: 'ERR_CIRCUIT_OPEN',
      breaker: 'async-route',
    });
  });

  it.each([
    ['a BigInt', (problem: object) => ({ ...problem, count: 1n })],
    [
      'a cycle',
      (problem: object) => {
        const body: Record<string, unknown> = { ...problem };
        body.self = body;
        return body;
      },
    ],
    ['a toJSON that throws', (problem: object) => ({ ...problem, toJSON: () => fail() })],
    ['a toJSON that gives nothing', (problem: object) => ({ ...problem, toJSON: () => undefined })],
  ])(
    'sends the default document, and says so, when problem returns %s, which JSON cannot carry',
    async (_what, shape) => {
      const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
      const { get, registry } = await start({ problem: (_error, problem) => shape(problem) });
      registry.isolate('async-route');
      const refused = await get('/other/async/a');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(await refused.json()).toEqual({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'A circuit breaker refused the call: it is held open',
        code: 'ERR_CIRCUIT_OPEN',
      });
      expect(reported).toHaveBeenCalledWith(
        expect.stringMatching(/refusal problem function returned a body JSON cannot carry/),
        expect.anything(),
      );
      // What a catch-all filter of yours sends, too.
      const exception = new BreakerRefusalException(registry.get('async-route').openError(), {
        problem: (_error, problem) => shape(problem),
      });
      expect(JSON.parse(JSON.stringify(exception.getResponse()))).toMatchObject({
        code: 'ERR_CIRCUIT_OPEN',
      });
    },
  );

  it('is left out with filter: false, and applies where @UseFilters() puts it, with problem', async () => {
    const { get, registry } = await start({
      filter: false,
      problem: (error, problem) => ({ ...problem, breaker: error.breakerName }),
    });
    registry.isolate('async-route');
    const unfiltered = await get('/other/async/a');
    expect(unfiltered.status).toBe(500);
    expect(await unfiltered.json()).toEqual({ statusCode: 500, message: 'Internal server error' });

    registry.isolate('filtered');
    const filtered = await get('/filtered');
    expect(filtered.status).toBe(503);
    expect(filtered.headers.get('content-type')).toBe('application/problem+json');
    expect(await filtered.json()).toMatchObject({ breaker: 'filtered' });
  });

  it('hands the CircuitOpenError itself to non-HTTP contexts (RPC, GraphQL-like)', async () => {
    const { app, registry } = await start();
    registry.isolate('async-route');
    const controller = app.get(OtherController);
    const contexts = app.get(ExternalContextCreator);
    const options = { guards: false, interceptors: false, filters: true };
    const handler = (type: string) =>
      contexts.create(
        controller,
        controller.asyncRoute as (...args: unknown[]) => unknown,
        'asyncRoute',
        undefined,
        undefined,
        undefined,
        undefined,
        options,
        type,
      ) as (...args: unknown[]) => Promise<unknown>;

    const rpcResult = await handler('rpc')('a');
    await expect(lastValueFrom(rpcResult as Observable<unknown>)).rejects.toBeInstanceOf(
      CircuitOpenError,
    );
    const graphqlResult = await handler('graphql')('a');
    expect(graphqlResult).toBeInstanceOf(CircuitOpenError);
    expect(graphqlResult).toMatchObject({ breakerName: 'async-route' });
  });
});
