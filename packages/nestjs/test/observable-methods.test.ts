import {
  type CallHandler,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import {
  defaultIfEmpty,
  firstValueFrom,
  lastValueFrom,
  Observable,
  of,
  Subject,
  take,
  takeUntil,
  toArray,
} from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  BreakerRegistry,
  CircuitBreaker,
  CircuitOpenError,
  TripswitchModule,
} from '../src/index.ts';
import { manualClock, startApp } from './nest-app.ts';

/** A stream the test drives: each subscription is recorded, and the test sends its events. */
@Injectable()
class Prices {
  builds = 0;
  readonly subscribers: Subject<number>[] = [];
  readonly fallbackCalls: unknown[][] = [];

  #stream(): Observable<number> {
    this.builds++;
    return new Observable<number>((subscriber) => {
      const subject = new Subject<number>();
      this.subscribers.push(subject);
      return subject.subscribe(subscriber);
    });
  }

  @CircuitBreaker('prices')
  watch(sku: string): Observable<number> {
    expect(sku).toBeTypeOf('string');
    return this.#stream();
  }

  @CircuitBreaker('cached-prices', { fallback: 'cachedPrice' })
  watchWithFallback(sku: string): Observable<number> {
    expect(sku).toBeTypeOf('string');
    return this.#stream();
  }

  cachedPrice(sku: string, error: unknown): Observable<number> {
    this.fallbackCalls.push([sku, error]);
    return of(-1);
  }

  // No declared return type: the first call finds out it returns an Observable.
  @CircuitBreaker('undeclared')
  undeclared() {
    return this.#stream();
  }
}

/** Keeps the first value and unsubscribes, as `take(1)` or a timeout would. */
@Injectable()
class FirstValueInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(take(1));
  }
}

/** Gives up on the handler before it answers, when told to, as a timeout would. */
@Injectable()
class GiveUpInterceptor implements NestInterceptor {
  static readonly giveUp = new Subject<void>();

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(takeUntil(GiveUpInterceptor.giveUp), defaultIfEmpty('gave up'));
  }
}

@Controller('prices')
class PricesController {
  static emitted = 0;
  static silentSubscriptions = 0;

  @Get('silent')
  @UseInterceptors(GiveUpInterceptor)
  @CircuitBreaker('silent-route')
  silent(): Observable<never> {
    return new Observable<never>(() => {
      PricesController.silentSubscriptions++;
      GiveUpInterceptor.giveUp.next();
    });
  }

  @Get('once')
  @CircuitBreaker('prices-route')
  once(): Observable<{ price: number }> {
    return of({ price: 42 });
  }

  @Get('endless')
  @UseInterceptors(FirstValueInterceptor)
  @CircuitBreaker('endless-route')
  endless(): Observable<{ price: number }> {
    return new Observable((subscriber) => {
      PricesController.emitted++;
      subscriber.next({ price: 1 }); // and never completes
    });
  }
}

async function start() {
  const clock = manualClock();
  const running = await startApp({
    imports: [
      TripswitchModule.forRoot({
        defaults: { clock, minimumCalls: 2, failureRateThreshold: 50, openDurationMs: 10_000 },
      }),
    ],
    providers: [Prices],
    controllers: [PricesController],
  });
  return {
    ...running,
    prices: running.app.get(Prices),
    registry: running.app.get(BreakerRegistry),
  };
}

describe('@CircuitBreaker() on methods that return an Observable', () => {
  it('asks for a permit at subscription, not at the call, and records completion as a success', async () => {
    const { prices, registry } = await start();
    const breaker = registry.get('prices');

    const stream = prices.watch('abc');
    expect(prices.builds).toBe(0);
    expect(breaker.inFlight).toBe(0);

    const values = lastValueFrom(stream.pipe(toArray()));
    expect(prices.builds).toBe(1);
    expect(breaker.inFlight).toBe(1);
    prices.subscribers[0]?.next(10);
    prices.subscribers[0]?.next(11);
    prices.subscribers[0]?.complete();
    expect(await values).toEqual([10, 11]);
    expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { successes: 1 } });
  });

  it('records an error as a failure, and errors the Observable with the CircuitOpenError while open', async () => {
    const { prices, registry } = await start();
    const breaker = registry.get('prices');

    const ok = lastValueFrom(prices.watch('a'));
    prices.subscribers[0]?.next(1);
    prices.subscribers[0]?.complete();
    await ok;
    const failed = lastValueFrom(prices.watch('a'));
    prices.subscribers[1]?.error(new Error('feed down'));
    await expect(failed).rejects.toThrow('feed down');
    expect(breaker.state).toBe('open');

    const refused = prices.watch('a');
    expect(refused).toBeInstanceOf(Observable);
    await expect(firstValueFrom(refused)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(prices.builds).toBe(2);
    expect(breaker.stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 1, rejected: 1 },
    });
  });

  it('ignores a subscription cancelled before any value', async () => {
    const { prices, registry } = await start();
    const breaker = registry.get('prices');

    const subscription = prices.watch('a').subscribe();
    expect(breaker.inFlight).toBe(1);
    subscription.unsubscribe();
    expect(breaker.stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 0, failures: 0, ignored: 1 },
    });
    // The source saw the unsubscription too.
    expect(prices.subscribers[0]?.observed).toBe(false);
  });

  it('counts a subscription that unsubscribes after a value (firstValueFrom, take) as a success', async () => {
    const { prices, registry } = await start();
    const breaker = registry.get('prices');

    const first = firstValueFrom(prices.watch('a'));
    prices.subscribers[0]?.next(7);
    expect(await first).toBe(7);
    expect(prices.subscribers[0]?.observed).toBe(false);
    expect(breaker.stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0, ignored: 0 },
    });
  });

  it('takes a permit per subscription, so a half-open circuit admits each retry as a trial', async () => {
    const { prices, registry } = await start();
    const stream = prices.watch('a');
    const first = lastValueFrom(stream);
    const second = lastValueFrom(stream);
    expect(prices.builds).toBe(2);
    expect(registry.get('prices').inFlight).toBe(2);
    for (const subject of prices.subscribers) {
      subject.next(5);
      subject.complete();
    }
    await expect(Promise.all([first, second])).resolves.toEqual([5, 5]);
    expect(registry.get('prices').stats().totals.successes).toBe(2);
  });

  it('switches to the fallback on failure and on refusal', async () => {
    const { prices, registry } = await start();
    const failure = new Error('feed down');
    const first = lastValueFrom(prices.watchWithFallback('a').pipe(toArray()));
    prices.subscribers[0]?.next(3);
    prices.subscribers[0]?.error(failure);
    expect(await first).toEqual([3, -1]);

    registry.isolate('cached-prices');
    expect(await lastValueFrom(prices.watchWithFallback('b'))).toBe(-1);
    expect(prices.builds).toBe(1);
    expect(prices.fallbackCalls[0]).toEqual(['a', failure]);
    expect(prices.fallbackCalls[1]?.[0]).toBe('b');
    expect(prices.fallbackCalls[1]?.[1]).toBeInstanceOf(CircuitOpenError);
    expect(registry.get('cached-prices').inFlight).toBe(0);
  });

  it('finds out that an undeclared method returns an Observable, and admits it at subscription from then on', async () => {
    const { prices, registry } = await start();
    const breaker = registry.get('undeclared');

    // First call: the method had to run to show what it returns; that permit is given back.
    const first = prices.undeclared() as Observable<number>;
    expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { ignored: 1 } });
    const firstValue = lastValueFrom(first);
    expect(breaker.inFlight).toBe(1);
    prices.subscribers[0]?.next(1);
    prices.subscribers[0]?.complete();
    await firstValue;
    expect(breaker.stats().totals.successes).toBe(1);

    registry.isolate('undeclared');
    const refused = prices.undeclared() as Observable<number>;
    expect(prices.builds).toBe(1);
    await expect(firstValueFrom(refused)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(prices.builds).toBe(1);
  });

  it('serves Observable routes, settling those an interceptor unsubscribes from', async () => {
    const { get, registry } = await start();
    const once = await get('/prices/once');
    expect(once.status).toBe(200);
    expect(await once.json()).toEqual({ price: 42 });
    expect(registry.get('prices-route').stats().totals.successes).toBe(1);

    // The interceptor keeps the first value and unsubscribes: the dependency answered.
    const endless = await get('/prices/endless');
    expect(await endless.json()).toEqual({ price: 1 });
    expect(PricesController.emitted).toBe(1);
    expect(registry.get('endless-route').stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0, ignored: 0 },
    });

    // The interceptor gives up before any value, as a timeout would: a cancellation.
    expect(await (await get('/prices/silent')).text()).toBe('gave up');
    expect(PricesController.silentSubscriptions).toBe(1);
    expect(registry.get('silent-route').stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 0, failures: 0, ignored: 1 },
    });
  });
});
