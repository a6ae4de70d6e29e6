import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  type OnModuleInit,
  Param,
  ParseIntPipe,
} from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import {
  BreakerRegistry,
  CircuitBreaker,
  CircuitOpenError,
  InvalidOptionError,
  isCircuitOpenError,
  TripswitchModule,
  type TripswitchModuleOptions,
} from '../src/index.ts';
import { manualClock, startApp } from './nest-app.ts';

class NotFoundError extends Error {}

/** Calls a dependency that the test makes succeed or fail. */
@Injectable()
class Payments {
  calls = 0;
  failWith: Error | undefined;
  readonly fallbackCalls: unknown[][] = [];

  #answer<T>(value: T): T {
    this.calls++;
    if (this.failWith !== undefined) throw this.failWith;
    return value;
  }

  @CircuitBreaker('payments')
  async charge(amount: number): Promise<string> {
    return this.#answer(`charged ${amount}`);
  }

  @CircuitBreaker('ledger')
  balance(account: string): number {
    return this.#answer(account.length);
  }

  // No declared return type: the decorator learns the shape from the first result.
  @CircuitBreaker('legacy')
  legacyCharge(amount: number) {
    this.calls++;
    return this.failWith === undefined
      ? Promise.resolve(`charged ${amount}`)
      : Promise.reject(this.failWith);
  }

  @CircuitBreaker('never-called')
  neverCalled(): unknown {
    return this.#answer('never');
  }

  @CircuitBreaker('refunds', { fallback: 'refundLater' })
  async refund(id: string, amount: number): Promise<string> {
    return this.#answer(`refunded ${id}: ${amount}`);
  }

  refundLater(id: string, amount: number, error: unknown): string {
    this.fallbackCalls.push([this, id, amount, error]);
    return `queued ${id}: ${amount}`;
  }

  @CircuitBreaker('quotes', {
    fallback(this: Payments, sku: string, error: unknown): number {
      this.fallbackCalls.push([this, sku, error]);
      if (sku === 'unknown') throw new Error(`no quote for ${sku}`);
      return 0;
    },
  })
  quote(sku: string): number {
    return this.#answer(sku.length * 10);
  }
}

@Controller('payments')
class PaymentsController {
  readonly #payments: Payments;

  constructor(payments: Payments) {
    this.#payments = payments;
  }

  @Get('refund/:id/:amount')
  async refund(@Param('id') id: string, @Param('amount', ParseIntPipe) amount: number) {
    return { result: await this.#payments.refund(id, amount) };
  }
}

async function start(options: TripswitchModuleOptions = {}) {
  const clock = manualClock();
  const running = await startApp({
    imports: [
      TripswitchModule.forRoot({
        ...options,
        defaults: {
          clock,
          minimumCalls: 2,
          failureRateThreshold: 50,
          openDurationMs: 10_000,
          isFailure: (error) => !(error instanceof NotFoundError),
          ...options.defaults,
        },
      }),
    ],
    providers: [Payments],
    controllers: [PaymentsController],
  });
  const registry = running.app.get(BreakerRegistry);
  return { ...running, clock, payments: running.app.get(Payments), registry };
}

async function rejection(promise: unknown): Promise<unknown> {
  expect(promise).toBeInstanceOf(Promise);
  return (promise as Promise<unknown>).then(
    () => expect.unreachable('the call should have been rejected'),
    (error: unknown) => error,
  );
}

describe('@CircuitBreaker() on a provider method, called directly (no HTTP)', () => {
  it('records an async method by its promise; while open, the method is not called and the call rejects with the CircuitOpenError itself', async () => {
    const { payments, registry } = await start();
    const breaker = registry.get('payments');

    await expect(payments.charge(10)).resolves.toBe('charged 10');
    expect(breaker.inFlight).toBe(0);
    payments.failWith = new Error('declined');
    await expect(payments.charge(20)).rejects.toThrow('declined');
    expect(breaker.inFlight).toBe(0);
    expect(breaker.state).toBe('open');

    const error = await rejection(payments.charge(30));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(isCircuitOpenError(error)).toBe(true);
    expect(error).toMatchObject({ breakerName: 'payments', reason: 'open', retryAfterMs: 10_000 });
    expect(payments.calls).toBe(2);
    expect(breaker.stats().totals).toMatchObject({ successes: 1, failures: 1, rejected: 1 });
    expect(breaker.inFlight).toBe(0);
  });

  it('keeps a synchronous method synchronous: a value, a throw, and a thrown refusal', async () => {
    const { payments, registry } = await start();
    const breaker = registry.get('ledger');

    expect(payments.balance('acme')).toBe(4);
    payments.failWith = new Error('ledger down');
    expect(() => payments.balance('acme')).toThrow('ledger down');
    expect(breaker.state).toBe('open');
    expect(() => payments.balance('acme')).toThrow(CircuitOpenError);
    expect(payments.calls).toBe(2);
    expect(breaker.stats().totals).toMatchObject({ successes: 1, failures: 1, rejected: 1 });
    expect(breaker.inFlight).toBe(0);
  });

  it('refuses a method that returns a promise without declaring it with a rejected promise, once it has returned one', async () => {
    const { payments, registry } = await start();
    await expect(payments.legacyCharge(1)).resolves.toBe('charged 1');
    payments.failWith = new Error('declined');
    await expect(payments.legacyCharge(2)).rejects.toThrow('declined');
    expect(registry.get('legacy').state).toBe('open');

    expect(await rejection(payments.legacyCharge(3))).toBeInstanceOf(CircuitOpenError);
    expect(payments.calls).toBe(2);
  });

  it('throws the refusal of a method whose shape is not known yet (no declared type, never called)', async () => {
    const { payments, registry } = await start();
    registry.isolate('never-called');
    expect(() => payments.neverCalled()).toThrow(CircuitOpenError);
    expect(payments.calls).toBe(0);
  });

  it('calls a fallback named by a method with the arguments and the error, on the instance, for failures and refusals', async () => {
    const { payments, registry } = await start();
    const failure = new Error('declined');
    payments.failWith = failure;

    await expect(payments.refund('r1', 5)).resolves.toBe('queued r1: 5');
    await expect(payments.refund('r2', 6)).resolves.toBe('queued r2: 6');
    expect(registry.get('refunds').state).toBe('open');
    await expect(payments.refund('r3', 7)).resolves.toBe('queued r3: 7');

    expect(payments.calls).toBe(2);
    expect(payments.fallbackCalls.map((call) => call.slice(0, 3))).toEqual([
      [payments, 'r1', 5],
      [payments, 'r2', 6],
      [payments, 'r3', 7],
    ]);
    expect(payments.fallbackCalls[0]?.[3]).toBe(failure);
    expect(payments.fallbackCalls[2]?.[3]).toBeInstanceOf(CircuitOpenError);
    expect(registry.get('refunds').stats().totals).toMatchObject({ failures: 2, rejected: 1 });
    expect(registry.get('refunds').inFlight).toBe(0);
  });

  it('calls a fallback function with the arguments and the error, and passes on what it throws', async () => {
    const { payments, registry } = await start();
    payments.failWith = new Error('no price list');

    expect(payments.quote('abc')).toBe(0);
    expect(() => payments.quote('unknown')).toThrow('no quote for unknown');
    expect(registry.get('quotes').state).toBe('open');
    expect(payments.quote('xyz')).toBe(0);

    expect(payments.calls).toBe(2);
    expect(payments.fallbackCalls.map(([self, sku]) => [self, sku])).toEqual([
      [payments, 'abc'],
      [payments, 'unknown'],
      [payments, 'xyz'],
    ]);
    expect(payments.fallbackCalls[2]?.[2]).toBeInstanceOf(CircuitOpenError);
    expect(registry.get('quotes').inFlight).toBe(0);
  });

  it('does not call the fallback for an error the breaker ignores (isFailure), which reaches the caller unchanged', async () => {
    const { payments, registry } = await start();
    const notFound = new NotFoundError('no such refund');
    payments.failWith = notFound;

    await expect(payments.refund('r1', 5)).rejects.toBe(notFound);
    expect(payments.fallbackCalls).toEqual([]);
    const breaker = registry.get('refunds');
    expect(breaker.stats().totals).toMatchObject({ ignored: 1, failures: 0, fallbacks: 0 });
    expect(breaker.inFlight).toBe(0);
  });

  it('serves the fallback over HTTP too', async () => {
    const { payments, get } = await start();
    payments.failWith = new Error('declined');
    const response = await get('/payments/refund/r9/12');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: 'queued r9: 12' });
    expect(payments.fallbackCalls[0]?.slice(1, 3)).toEqual(['r9', 12]);
  });

  it('keeps the method names', () => {
    expect(Payments.prototype.charge.name).toBe('charge');
    expect(Payments.prototype.balance.name).toBe('balance');
    expect(Payments.prototype.refund.name).toBe('refund');
  });

  it('creates every breaker at start-up, per-name configuration over the defaults', async () => {
    const { registry, payments } = await start({
      breakers: { payments: { consecutiveFailures: 1, minimumCalls: 100 } },
    });
    expect(registry.list().map((breaker) => breaker.name)).toEqual([
      'payments',
      'ledger',
      'legacy',
      'never-called',
      'refunds',
      'quotes',
    ]);
    payments.failWith = new Error('declined');
    await expect(payments.charge(1)).rejects.toThrow('declined');
    expect(registry.get('payments').state).toBe('open');
    // The defaults still apply to the other names: one failure is not enough there.
    expect(() => payments.balance('a')).toThrow('declined');
    expect(registry.get('ledger').state).toBe('closed');
  });
});

describe('@CircuitBreaker() names and options', () => {
  @Injectable()
  class Catalog {
    @CircuitBreaker()
    list(): string[] {
      return ['a'];
    }

    @CircuitBreaker('search', { consecutiveFailures: 1 })
    search(term: string): string[] {
      throw new Error(`search is down (${term})`);
    }

    @CircuitBreaker('search')
    suggest(term: string): string[] {
      return [term];
    }
  }

  it('names a breaker ClassName.methodName by default; methods that give one name share its breaker', async () => {
    const { app } = await startApp({
      imports: [TripswitchModule.forRoot({ breakers: { search: { consecutiveFailures: 5 } } })],
      providers: [Catalog],
    });
    const registry = app.get(BreakerRegistry);
    const catalog = app.get(Catalog);
    expect(registry.has('Catalog.list')).toBe(true);
    expect(catalog.list()).toEqual(['a']);
    expect(registry.get('Catalog.list').stats().totals.successes).toBe(1);

    // The decorator's options override the configuration for that name.
    expect(() => catalog.search('x')).toThrow('search is down');
    expect(registry.get('search').state).toBe('open');
    expect(() => catalog.suggest('x')).toThrow(CircuitOpenError);
  });

  it('works on methods a class inherits, next to its own', async () => {
    @Injectable()
    class Base {
      @CircuitBreaker('base')
      ping(): string {
        return 'base';
      }
    }
    @Injectable()
    class Derived extends Base {
      @CircuitBreaker('derived')
      pong(): string {
        return 'derived';
      }
    }
    const { app } = await startApp({ imports: [TripswitchModule.forRoot()], providers: [Derived] });
    const derived = app.get(Derived);
    expect([derived.ping(), derived.pong()]).toEqual(['base', 'derived']);
    const registry = app.get(BreakerRegistry);
    expect(registry.get('base').stats().totals.successes).toBe(1);
    expect(registry.get('derived').stats().totals.successes).toBe(1);
  });

  it('gives the registry to instances Nest did not create (useFactory, useValue) before other modules initialise', async () => {
    @Injectable()
    class Made {
      @CircuitBreaker('made')
      call(): string {
        return 'made';
      }
    }
    @Injectable()
    class Given {
      @CircuitBreaker('given')
      call(): string {
        return 'given';
      }
    }
    let seenAtInit: string | undefined;
    @Injectable()
    class Consumer implements OnModuleInit {
      readonly #made: Made;

      constructor(@Inject(Made) made: Made) {
        this.#made = made;
      }

      onModuleInit(): void {
        seenAtInit = this.#made.call();
      }
    }
    const given = new Given();
    @Module({
      providers: [
        { provide: Made, useFactory: () => new Made() },
        { provide: Given, useValue: given },
        Consumer,
      ],
    })
    class FeatureModule {}

    const { app } = await startApp({ imports: [TripswitchModule.forRoot(), FeatureModule] });
    expect(seenAtInit).toBe('made');
    expect(given.call()).toBe('given');
    const registry = app.get(BreakerRegistry);
    expect(registry.get('made').stats().totals.successes).toBe(1);
    expect(registry.get('given').stats().totals.successes).toBe(1);
  });

  it('gives the registry to a frozen instance (useValue) too', async () => {
    @Injectable()
    class Settled {
      @CircuitBreaker('settled')
      call(): string {
        return 'settled';
      }
    }
    const frozen = Object.freeze(new Settled());
    const { app } = await startApp({
      imports: [TripswitchModule.forRoot()],
      providers: [{ provide: Settled, useValue: frozen }],
    });
    expect(frozen.call()).toBe('settled');
    expect(app.get(BreakerRegistry).get('settled').stats().totals.successes).toBe(1);
  });

  it('says what is missing when the instance was not created by Nest', () => {
    expect(() => new Catalog().list()).toThrow(
      /@CircuitBreaker\(\) on Catalog\.list has no breaker registry.*TripswitchModule\.forRoot\(\)/,
    );
    const { list } = new Catalog();
    expect(() => list()).toThrow(/detached/);
  });

  it('fails the start of an application that does not import TripswitchModule', async () => {
    await expect(startApp({ providers: [Catalog] })).rejects.toThrow(
      /Catalog[\s\S]*the BreakerRegistry of TripswitchModule\.forRoot\(\)/,
    );
  });

  it('fails the start when a fallback names no method of the class', async () => {
    @Injectable()
    class Misspelt {
      @CircuitBreaker('misspelt', { fallback: 'chargeLatr' })
      charge(): string {
        return 'ok';
      }

      chargeLater(): string {
        return 'later';
      }
    }
    const start = startApp({ imports: [TripswitchModule.forRoot()], providers: [Misspelt] });
    await expect(start).rejects.toThrow(InvalidOptionError);
    await expect(start).rejects.toMatchObject({
      option: 'fallback',
      value: 'chargeLatr',
      message: expect.stringContaining('a method of Misspelt'),
    });
  });

  it('fails the start when a breaker option is invalid, naming it', async () => {
    @Injectable()
    class BadThreshold {
      @CircuitBreaker('bad', { failureRateThreshold: 0 })
      call(): string {
        return 'ok';
      }
    }
    await expect(
      startApp({ imports: [TripswitchModule.forRoot()], providers: [BadThreshold] }),
    ).rejects.toMatchObject({ name: 'InvalidOptionError', option: 'failureRateThreshold' });
  });

  it.each([
    [{ timeoutMs: 1_000 }, 'timeoutMs', /no AbortSignal/],
    [{ isResultFailure: () => true }, 'isResultFailure', /throwing or rejecting/],
    [{ name: 'x' }, 'name', /first argument/],
    [{ fallback: 42 }, 'fallback', /name of a method/],
    [{ fallback: '' }, 'fallback', /name of a method/],
    [[], 'options', /an object/],
  ])('rejects %o when the class is defined', (options, option, message) => {
    const decorate = () => {
      class Defined {
        @CircuitBreaker('x', options as never)
        call(): void {}
      }
      return Defined;
    };
    expect(decorate).toThrow(InvalidOptionError);
    expect(decorate).toThrow(message);
    try {
      decorate();
    } catch (error) {
      expect(error).toMatchObject({ option });
    }
  });

  it('rejects an empty name, a name given twice, one breaker stacked twice on a method, a static method and a non-method', () => {
    expect(() => CircuitBreaker('')).toThrow(InvalidOptionError);
    expect(() => CircuitBreaker({} as never, {})).toThrow(/a string before the options/);
    expect(() => {
      class Static {
        @CircuitBreaker()
        static call(): void {}
      }
      return Static;
    }).toThrow(/Static\.call is static/);
    expect(() => {
      class Stacked {
        @CircuitBreaker()
        @CircuitBreaker()
        async call(): Promise<void> {}
      }
      return Stacked;
    }).toThrow(
      /"name" of circuit "Stacked\.call".*another breaker than that of the @CircuitBreaker\(\) already on Stacked\.call/,
    );
    expect(() => {
      class ThreeDeep {
        // The same breaker again, with another one between them.
        @CircuitBreaker('payments-api')
        @CircuitBreaker()
        @CircuitBreaker('payments-api')
        async call(): Promise<void> {}
      }
      return ThreeDeep;
    }).toThrow(/another breaker than that of the @CircuitBreaker\(\) already on ThreeDeep\.call/);
    class Layered {
      // Two breakers for one method — its own and a shared one — is fine.
      @CircuitBreaker('payments-api')
      @CircuitBreaker()
      async call(): Promise<void> {}
    }
    expect(Layered).toBeTypeOf('function');
    const accessor = { get: () => 1, configurable: true };
    expect(() => CircuitBreaker()({}, 'value', accessor)).toThrow(/Object\.value is not a method/);
  });
});
