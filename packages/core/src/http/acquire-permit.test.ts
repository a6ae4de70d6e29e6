import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../circuit-breaker.ts';
import type { CircuitBreakerOptions } from '../options.ts';
import type { Permit } from '../permit.ts';
import { acquirePermit } from './acquire-permit.ts';

type Step = 'take' | 'success' | 'failure' | 'ignore' | 'tick' | 'abort-take';

// Takes a permit as acquire() would, through acquirePermit, and reports it the same way.
async function take(
  breaker: CircuitBreaker,
  signal: AbortSignal | undefined,
  viaHelper: boolean,
): Promise<Permit | string> {
  try {
    const admitted = viaHelper
      ? acquirePermit(breaker, signal)
      : breaker.acquire(signal && { signal });
    return await admitted;
  } catch (error) {
    return (error as Error).name;
  }
}

describe('acquirePermit', () => {
  it('hands a permit over without a promise when nothing can wait', () => {
    const breaker = new CircuitBreaker();
    const admitted = acquirePermit(breaker);
    expect(admitted).not.toBeInstanceOf(Promise);
    (admitted as Permit).success();
    expect(breaker.stats().totals.successes).toBe(1);
  });

  it('goes through acquire() with a bulkhead, or a signal that aborted', async () => {
    const bulkheaded = new CircuitBreaker({ bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const first = acquirePermit(bulkheaded);
    expect(first).toBeInstanceOf(Promise);
    const queued = acquirePermit(bulkheaded);
    (await first).success();
    (await queued).success();
    expect(bulkheaded.stats().totals.successes).toBe(2);

    const breaker = new CircuitBreaker();
    const aborted = acquirePermit(breaker, AbortSignal.abort(new Error('gone')));
    await expect(aborted).rejects.toThrow('gone');
    expect(breaker.stats().totals.cancelled).toBe(1);
  });

  it('refuses as acquire() does, with the same error and the same counts', async () => {
    const options: CircuitBreakerOptions = { consecutiveFailures: 1, openDurationMs: 60_000 };
    const viaHelper = new CircuitBreaker(options);
    const viaAcquire = new CircuitBreaker(options);
    for (const breaker of [viaHelper, viaAcquire]) {
      (breaker.tryAcquire() as Permit).failure(new Error('down'));
    }
    const refused = acquirePermit(viaHelper);
    await expect(refused).rejects.toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    await expect(viaAcquire.acquire()).rejects.toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect(viaHelper.stats().totals).toEqual(viaAcquire.stats().totals);
  });

  it('leaves a breaker as acquire() leaves its twin, whatever the mix of calls', async () => {
    const steps = fc.array(
      fc.constantFrom<Step>('take', 'take', 'success', 'failure', 'ignore', 'tick', 'abort-take'),
      { maxLength: 60 },
    );
    const bulkhead = fc.option(
      fc.record({ maxConcurrent: fc.integer({ min: 1, max: 3 }), maxQueue: fc.constant(0) }),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(steps, bulkhead, async (plan, limits) => {
        let now = 0;
        const options: CircuitBreakerOptions = {
          window: { type: 'count', size: 4 },
          minimumCalls: 2,
          openDurationMs: 10,
          halfOpenMaxCalls: 2,
          clock: { now: () => now },
          ...(limits && { bulkhead: limits }),
        };
        const twins = [new CircuitBreaker(options), new CircuitBreaker(options)] as const;
        const held: [Permit[], Permit[]] = [[], []];
        const seen: [string[], string[]] = [[], []];
        for (const step of plan) {
          if (step === 'tick') {
            now += 4;
            continue;
          }
          for (const side of [0, 1] as const) {
            const breaker = twins[side];
            if (step === 'take' || step === 'abort-take') {
              const signal = step === 'abort-take' ? AbortSignal.abort() : undefined;
              const got = await take(breaker, signal, side === 0);
              if (typeof got === 'string') seen[side].push(got);
              else held[side].push(got);
            } else {
              const permit = held[side].shift();
              if (step === 'success') permit?.success(1);
              else if (step === 'failure') permit?.failure(new Error('x'), 1);
              else permit?.ignore();
            }
          }
        }
        expect(seen[0]).toEqual(seen[1]);
        expect(twins[0].stats()).toEqual(twins[1].stats());
      }),
      { numRuns: 300 },
    );
  });
});

describe('acquirePermit, misuse', () => {
  it('rejects, never throws, when the clock throws, and goes on once it works', async () => {
    let broken = true;
    const breaker = new CircuitBreaker({
      slowCallDurationMs: 100,
      clock: {
        now: () => {
          if (broken) throw new Error('clock broke');
          return 0;
        },
      },
    });
    const admitted = acquirePermit(breaker);
    expect(admitted).toBeInstanceOf(Promise);
    await expect(admitted).rejects.toThrow('clock broke');
    broken = false;
    (await acquirePermit(breaker)).success();
    expect(breaker.stats().totals.successes).toBe(1);
  });

  it('sends a signal that is no AbortSignal to acquire(), which rejects it', async () => {
    const breaker = new CircuitBreaker();
    const fake = Object.create(AbortSignal.prototype) as AbortSignal;
    await expect(acquirePermit(breaker, fake)).rejects.toThrow(TypeError);
    await expect(
      acquirePermit(breaker, { aborted: false } as unknown as AbortSignal),
    ).rejects.toThrow(TypeError);
    expect(breaker.inFlight).toBe(0);
  });
});
