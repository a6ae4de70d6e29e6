import {
  type CallHandler,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { firstValueFrom, from, type Observable, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { BreakerRegistry, CircuitBreaker, TripswitchModule } from '../src/index.ts';
import { startApp } from './nest-app.ts';

/**
 * Values made one at a time, synchronously, as long as someone is listening: rxjs's `from()`
 * stops pulling once the subscriber has unsubscribed. Bounded, so that a decorator which kept
 * pulling makes the test fail rather than spin for ever, as an endless source would.
 */
class Counter {
  pulled = 0;

  *values(): Generator<number> {
    for (let i = 0; i < 100_000; i++) {
      this.pulled++;
      yield i;
    }
  }
}

@Injectable()
class Ticker {
  readonly counter = new Counter();

  @CircuitBreaker('ticks')
  ticks(): Observable<number> {
    return from(this.counter.values());
  }

  // Undeclared: the first call finds out it returns an Observable.
  @CircuitBreaker('undeclared-ticks')
  undeclared() {
    return from(this.counter.values());
  }
}

/** Keeps the first value, as `take(1)` in an interceptor does. */
@Injectable()
class FirstValueInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(take(1));
  }
}

@Controller('ticks')
class TicksController {
  static readonly counter = new Counter();

  @Get()
  @UseInterceptors(FirstValueInterceptor)
  @CircuitBreaker('ticks-route')
  first(): Observable<number> {
    return from(TicksController.counter.values());
  }
}

async function start() {
  const running = await startApp({
    imports: [TripswitchModule.forRoot()],
    providers: [Ticker],
    controllers: [TicksController],
  });
  return {
    ...running,
    ticker: running.app.get(Ticker),
    registry: running.app.get(BreakerRegistry),
  };
}

describe('an Observable method whose source emits synchronously', () => {
  it('stops the source once the subscriber has had enough, as it would unguarded', async () => {
    const { ticker, registry } = await start();
    const unguarded = new Counter();
    expect(await firstValueFrom(from(unguarded.values()))).toBe(0);
    expect(unguarded.pulled).toBe(1);

    expect(await firstValueFrom(ticker.ticks())).toBe(0);
    expect(ticker.counter.pulled).toBe(1);
    // A value came through before the unsubscription: the dependency answered.
    expect(registry.get('ticks').stats()).toMatchObject({ inFlight: 0, totals: { successes: 1 } });
  });

  it('stops it too for a method whose return type is not declared', async () => {
    const { ticker } = await start();
    expect(await firstValueFrom(ticker.undeclared().pipe(take(1)))).toBe(0);
    expect(ticker.counter.pulled).toBe(1);
    expect(await firstValueFrom(ticker.undeclared())).toBe(0);
    expect(ticker.counter.pulled).toBe(2);
  });

  it('stops it on a route whose interceptor takes the first value', async () => {
    const { get, registry } = await start();
    TicksController.counter.pulled = 0;
    const response = await get('/ticks');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('0');
    expect(TicksController.counter.pulled).toBe(1);
    expect(registry.get('ticks-route').stats()).toMatchObject({ inFlight: 0 });
  });
});
