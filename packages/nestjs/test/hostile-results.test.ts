import { Injectable } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { BreakerRegistry, CircuitBreaker, TripswitchModule } from '../src/index.ts';
import { manualClock, startApp } from './nest-app.ts';

const lookedAt = new Error('this result cannot be looked at');

/** A `then` that throws when read: what a strict proxy (a config, an ORM row) can return. */
function thenThatThrows(): unknown {
  return {
    // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what is under test
    get then(): never {
      throw lookedAt;
    },
  };
}

/** A native promise whose `constructor` throws when read, as `Promise.resolve()` reads it. */
function promiseWhoseConstructorThrows(): Promise<string> {
  const promise = Promise.resolve('never seen');
  Reflect.defineProperty(promise, 'constructor', {
    get(): never {
      throw lookedAt;
    },
  });
  return promise;
}

/** What `isObservable()` reads first. */
function liftThatThrows(): unknown {
  return {
    get lift(): never {
      throw lookedAt;
    },
  };
}

@Injectable()
class Records {
  @CircuitBreaker('then')
  row(): unknown {
    return thenThatThrows();
  }

  @CircuitBreaker('constructor')
  promised(): Promise<string> {
    return promiseWhoseConstructorThrows();
  }

  @CircuitBreaker('lift')
  lift(): unknown {
    return liftThatThrows();
  }

  @CircuitBreaker('fallback', { fallback: (error: unknown) => ({ fellBackFrom: error }) })
  withFallback(): unknown {
    return thenThatThrows();
  }
}

async function start() {
  const clock = manualClock();
  const running = await startApp({
    imports: [
      TripswitchModule.forRoot({
        defaults: { clock, minimumCalls: 1, openDurationMs: 5_000, halfOpenMaxCalls: 1 },
      }),
    ],
    providers: [Records],
  });
  return { clock, records: running.app.get(Records), registry: running.app.get(BreakerRegistry) };
}

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return expect.unreachable('the call should have thrown');
}

describe('a result that throws while the decorator looks at it', () => {
  for (const [method, name] of [
    ['row', 'then'],
    ['promised', 'constructor'],
    ['lift', 'lift'],
  ] as const) {
    it(`is the call's failure, not a permit left out (${name} getter)`, async () => {
      const { records, registry } = await start();
      expect(thrown(() => records[method]())).toBe(lookedAt);
      expect(registry.get(name).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
    });
  }

  it('leaves no half-open trial slot taken: the trial fails and the circuit opens again', async () => {
    const { records, registry, clock } = await start();
    const breaker = registry.get('then');
    thrown(() => records.row());
    expect(breaker.state).toBe('open');
    clock.advance(5_000);
    expect(thrown(() => records.row())).toBe(lookedAt); // the only trial
    expect(breaker.state).toBe('open');
  });

  it('goes to the fallback, as a failure does', async () => {
    const { records } = await start();
    expect(records.withFallback()).toEqual({ fellBackFrom: lookedAt });
  });
});
