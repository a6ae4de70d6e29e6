import { Controller, Get, Injectable } from '@nestjs/common';
import { firstValueFrom, Observable, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  BreakerRegistry,
  BulkheadFullError,
  CircuitBreaker,
  TripswitchModule,
} from '../src/index.ts';
import { deferred, startApp } from './nest-app.ts';

/** A dependency the test holds: every call waits on `gate` once it has arrived. */
@Injectable()
class Warehouse {
  gate = deferred();
  arrived = deferred();
  arrivals = 0;
  builds = 0;

  async #visit(id: string): Promise<string> {
    this.arrivals++;
    this.arrived.resolve();
    await this.gate.promise;
    return `picked ${id}`;
  }

  @CircuitBreaker('pick', { bulkhead: { maxConcurrent: 1, maxQueue: 1 } })
  async pick(id: string): Promise<string> {
    return this.#visit(id);
  }

  // The queue from the module's configuration for the name, not from the decorator.
  @CircuitBreaker('configured')
  async configured(id: string): Promise<string> {
    return this.#visit(id);
  }

  @CircuitBreaker('stock', { bulkhead: { maxConcurrent: 1, maxQueue: 1 } })
  stock(sku: string): Observable<string> {
    this.builds++;
    this.arrived.resolve();
    const answer = new Subject<string>();
    void this.gate.promise.then(() => {
      answer.next(`stock of ${sku}`);
      answer.complete();
    });
    return answer;
  }

  /** Calls itself while it holds the only slot: the inner call finds the bulkhead full. */
  @CircuitBreaker('nested', { bulkhead: { maxConcurrent: 1, maxQueue: 1 } })
  nested(depth: number): unknown {
    if (depth === 0) return 'innermost';
    try {
      return this.nested(depth - 1);
    } catch (error) {
      return error;
    }
  }
}

@Controller('pick')
class PickController {
  readonly #warehouse: Warehouse;

  constructor(warehouse: Warehouse) {
    this.#warehouse = warehouse;
  }

  @Get()
  @CircuitBreaker('pick-route', { bulkhead: { maxConcurrent: 1, maxQueue: 1 } })
  async pick(): Promise<{ answer: string }> {
    return { answer: await this.#warehouse.configured('route') };
  }
}

async function start() {
  const running = await startApp({
    imports: [
      TripswitchModule.forRoot({
        breakers: { configured: { bulkhead: { maxConcurrent: 1, maxQueue: 1 } } },
      }),
    ],
    providers: [Warehouse],
    controllers: [PickController],
  });
  return {
    ...running,
    warehouse: running.app.get(Warehouse),
    registry: running.app.get(BreakerRegistry),
  };
}

/**
 * Resolves once `condition` holds, looking again after each turn of the event loop; rejects
 * when it still does not after many turns (far more than a request on 127.0.0.1 takes).
 */
function until(condition: () => boolean, turns = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (left: number): void => {
      if (condition()) resolve();
      else if (left === 0) reject(new Error(`still not so after ${turns} turns`));
      else setImmediate(check, left - 1);
    };
    check(turns);
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call should have been refused'),
    (error: unknown) => error,
  );
}

describe('a bulkhead with a queue (maxQueue), on a decorated method', () => {
  it('makes a promise method’s call wait for a slot, and refuses only beyond the queue', async () => {
    const { warehouse, registry } = await start();
    const breaker = registry.get('pick');
    const first = warehouse.pick('a');
    await warehouse.arrived.promise;
    const second = warehouse.pick('b'); // waits: the queue has room for one
    const third = warehouse.pick('c'); // the queue is full
    expect(breaker.stats().bulkhead).toMatchObject({ active: 1, queued: 1 });
    const refusal = await rejection(third);
    expect(refusal).toBeInstanceOf(BulkheadFullError);
    expect(refusal).toMatchObject({ reason: 'full', maxQueue: 1 });

    warehouse.gate.resolve();
    expect(await first).toBe('picked a');
    expect(await second).toBe('picked b');
    expect(warehouse.arrivals).toBe(2);
    expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { successes: 2, rejected: 1 } });
  });

  it('honours a queue given by the module’s configuration for the name', async () => {
    const { warehouse, registry } = await start();
    const first = warehouse.configured('a');
    await warehouse.arrived.promise;
    const second = warehouse.configured('b');
    expect(registry.get('configured').stats().bulkhead).toMatchObject({ active: 1, queued: 1 });
    warehouse.gate.resolve();
    expect([await first, await second]).toEqual(['picked a', 'picked b']);
  });

  it('makes a request to a decorated route wait its turn rather than answer 503', async () => {
    const { warehouse, get, registry } = await start();
    const first = get('/pick');
    await warehouse.arrived.promise;
    const second = get('/pick');
    const queued = registry.get('pick-route');
    await until(() => queued.stats().bulkhead?.queued === 1); // the second request's call waits

    warehouse.gate.resolve();
    const responses = await Promise.all([first, second]);
    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(await responses[1]?.json()).toEqual({ answer: 'picked route' });
  });

  it('makes an Observable method’s subscription wait, and takes it out of the queue when it unsubscribes', async () => {
    const { warehouse, registry } = await start();
    const breaker = registry.get('stock');
    const first = firstValueFrom(warehouse.stock('a'));
    await warehouse.arrived.promise; // admitted, in the bulkhead's only slot

    const leaving = warehouse.stock('b').subscribe();
    expect(breaker.stats().bulkhead).toMatchObject({ active: 1, queued: 1 });
    leaving.unsubscribe();
    expect(breaker.stats().bulkhead).toMatchObject({ active: 1, queued: 0 });

    const waiting = firstValueFrom(warehouse.stock('c'));
    expect(breaker.stats().bulkhead).toMatchObject({ active: 1, queued: 1 });
    warehouse.gate.resolve();
    expect(await first).toBe('stock of a');
    expect(await waiting).toBe('stock of c');
    expect(warehouse.builds).toBe(2); // the subscription that left never built its Observable
    expect(breaker.stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 2, cancelled: 1 },
    });
  });

  it('refuses a synchronous method at once, with a throw: it cannot wait and stay synchronous', async () => {
    const { warehouse, registry } = await start();
    expect(warehouse.nested(0)).toBe('innermost');
    const refusal = warehouse.nested(1);
    expect(refusal).toBeInstanceOf(BulkheadFullError);
    expect(registry.get('nested').stats()).toMatchObject({ inFlight: 0, totals: { rejected: 1 } });
  });
});
