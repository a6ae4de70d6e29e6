import { describe, expect, it, vi } from 'vitest';
import { down, flaky, healthy, phases, type Response, type Service } from './service.ts';
import { simulate, simulateAsync } from './simulate.ts';
import type { AsyncSubject, SubjectContext, SubjectFactory, SyncSubject } from './subject.ts';
import { type BreakerState, stateMet, type Trace, wasRefused, wasSent } from './trace.ts';

/**
 * A small breaker for these tests: opens after `threshold` failures in a row, for `openMs`, then
 * admits one trial; the trial's success closes it, its failure reopens it.
 */
class ToyBreaker {
  readonly #context: SubjectContext;
  readonly #threshold: number;
  readonly #openMs: number;
  #state: BreakerState = 'closed';
  #inRow = 0;
  #openUntil = 0;
  #trialOut = false;

  constructor(context: SubjectContext, threshold: number, openMs: number) {
    this.#context = context;
    this.#threshold = threshold;
    this.#openMs = openMs;
  }

  admit(): boolean {
    if (this.#state === 'open') {
      if (this.#context.now() < this.#openUntil) return false;
      this.#move('half-open');
    }
    if (this.#state === 'half-open') {
      if (this.#trialOut) return false;
      this.#trialOut = true;
    }
    return true;
  }

  record(ok: boolean): void {
    if (this.#state === 'half-open') {
      this.#trialOut = false;
      if (ok) this.#move('closed');
      else this.#open();
      return;
    }
    if (this.#state !== 'closed') return;
    this.#inRow = ok ? 0 : this.#inRow + 1;
    if (this.#inRow >= this.#threshold) this.#open();
  }

  #open(): void {
    this.#openUntil = this.#context.now() + this.#openMs;
    this.#move('open');
  }

  #move(to: BreakerState): void {
    this.#state = to;
    this.#inRow = 0;
    this.#context.transition(to);
  }
}

function syncToy(threshold = 3, openMs = 1_000): SubjectFactory {
  return (context) => {
    const toy = new ToyBreaker(context, threshold, openMs);
    const subject: SyncSubject = {
      mode: 'sync',
      admit: () => (toy.admit() ? (response: Response) => toy.record(response.ok) : null),
    };
    return subject;
  };
}

/** The same breaker behind promises, deciding a few microtasks late as promise APIs do. */
function asyncToy(threshold = 3, openMs = 1_000): SubjectFactory {
  return (context) => {
    const toy = new ToyBreaker(context, threshold, openMs);
    const subject: AsyncSubject = {
      mode: 'async',
      async call(send) {
        await null;
        await Promise.resolve();
        if (!toy.admit()) throw new Error('refused');
        try {
          await send();
        } catch (error) {
          await null;
          toy.record(false);
          throw error;
        }
        await null;
        toy.record(true);
      },
    };
    return subject;
  };
}

const calls = (trace: Trace) => Array.from({ length: trace.calls }, (_, call) => call);

describe('simulate', () => {
  it('issues calls one interval apart, from 0, while time is below the duration', () => {
    const trace = simulate(syncToy(), { rate: 10, durationMs: 1_000, service: healthy, seed: 1 });
    expect(trace.calls).toBe(10);
    expect(trace.intervalMs).toBe(100);
    expect([...trace.start]).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    const thirds = simulate(syncToy(), { rate: 3, durationMs: 1_000, service: healthy, seed: 1 });
    expect(thirds.calls).toBe(3);
  });

  it('sends every call to a healthy service and delivers each answer after its latency', () => {
    const trace = simulate(syncToy(), { rate: 100, durationMs: 2_000, service: healthy, seed: 1 });
    for (const call of calls(trace)) {
      expect(trace.sentAt[call]).toBe(trace.start[call]);
      expect(trace.end[call]).toBe((trace.start[call] as number) + 20);
      expect(trace.ok[call]).toBe(1);
      expect(wasRefused(trace, call)).toBe(false);
    }
    expect(trace.transitions).toEqual([]);
  });

  it('records refusals, transitions and the state each call met', () => {
    const fixedDown: Service = () => ({ ok: false, latencyMs: 5 });
    const trace = simulate(syncToy(2, 500), {
      rate: 10,
      durationMs: 1_000,
      service: fixedDown,
      seed: 1,
    });
    // Calls 0 and 1 fail; the second failure (answered at 105) opens the circuit until 605.
    expect(trace.transitions[0]).toEqual({ at: 105, to: 'open' });
    for (const call of [2, 3, 4, 5, 6]) {
      expect(wasRefused(trace, call)).toBe(true);
      expect(trace.refusedAt[call]).toBe(trace.start[call]);
      expect(stateMet(trace, call)).toBe('open');
    }
    // Call 7, at 700, is the trial: it meets half-open, fails at 705 and reopens the circuit.
    expect(trace.transitions.slice(1, 3)).toEqual([
      { at: 700, to: 'half-open' },
      { at: 705, to: 'open' },
    ]);
    expect(wasSent(trace, 7)).toBe(true);
    expect(stateMet(trace, 7)).toBe('half-open');
    expect(stateMet(trace, 8)).toBe('open');
    expect(stateMet(trace, 0)).toBe('closed');
  });

  it('delivers the answers of a millisecond before it issues that millisecond’s call', () => {
    // Call 0 fails at 100, exactly when call 1 is issued: call 1 meets the open circuit.
    const oneInterval: Service = () => ({ ok: false, latencyMs: 100 });
    const trace = simulate(syncToy(1, 10_000), {
      rate: 10,
      durationMs: 300,
      service: oneInterval,
      seed: 1,
    });
    expect(trace.transitions).toEqual([{ at: 100, to: 'open' }]);
    expect(wasRefused(trace, 1)).toBe(true);
  });

  it('gives the same trace for the same run', () => {
    const run = { rate: 1_000, durationMs: 20_000, service: flaky(0.3), seed: 5 };
    expect(simulate(syncToy(), run)).toEqual(simulate(syncToy(), run));
  });

  it('rejects a bad rate or duration, and a service that answers with a bad latency', () => {
    const run = { rate: 10, durationMs: 1_000, service: healthy, seed: 1 };
    expect(() => simulate(syncToy(), { ...run, rate: 0 })).toThrow(/rate/);
    expect(() => simulate(syncToy(), { ...run, durationMs: Number.NaN })).toThrow(/durationMs/);
    const broken: Service = () => ({ ok: true, latencyMs: -1 });
    expect(() => simulate(syncToy(), { ...run, service: broken })).toThrow(/latency of -1/);
  });

  it('rejects an unknown state, and takes a transition’s own time when given', () => {
    const run = { rate: 10, durationMs: 100, service: healthy, seed: 1 };
    const bad: SubjectFactory = (context) => {
      context.transition('ajar' as BreakerState);
      return { mode: 'sync', admit: () => null };
    };
    expect(() => simulate(bad, run)).toThrow(/unknown state ajar/);
    const early: SubjectFactory = (context) => {
      context.transition('open', -5);
      return { mode: 'sync', admit: () => null };
    };
    expect(simulate(early, run).transitions).toEqual([{ at: -5, to: 'open' }]);
  });

  it('disposes the subject after the run', () => {
    const dispose = vi.fn();
    simulate(() => ({ mode: 'sync', admit: () => null, dispose }), {
      rate: 10,
      durationMs: 100,
      service: healthy,
      seed: 1,
    });
    expect(dispose).toHaveBeenCalledOnce();
  });

  it('refuses an asynchronous subject, and still disposes it', () => {
    const dispose = vi.fn();
    const factory: SubjectFactory = () => ({
      mode: 'async',
      call: (send) => send(),
      dispose,
    });
    expect(() =>
      simulate(factory, { rate: 10, durationMs: 100, service: healthy, seed: 1 }),
    ).toThrow(/simulateAsync/);
    expect(dispose).toHaveBeenCalledOnce();
  });
});

describe('simulateAsync', () => {
  it('leaves the same trace through promises as the synchronous driver of the same breaker', async () => {
    const service = phases(
      flaky(0.1),
      { from: 5_000, service: down },
      { from: 12_000, service: flaky(0.2) },
    );
    for (const rate of [10, 100, 1_000]) {
      const run = { rate, durationMs: 20_000, service, seed: 3 };
      const expected = simulate(syncToy(3, 700), run);
      expect(expected.transitions.length).toBeGreaterThan(2);
      expect(await simulateAsync(asyncToy(3, 700), run)).toEqual(expected);
    }
  });

  it('runs a synchronous subject too, with the same result', async () => {
    const run = { rate: 100, durationMs: 10_000, service: flaky(0.4), seed: 2 };
    expect(await simulateAsync(syncToy(), run)).toEqual(simulate(syncToy(), run));
  });

  it('moves fake time to every event before it happens, never backwards', async () => {
    const times: number[] = [];
    const factory: SubjectFactory = () => ({
      mode: 'async',
      call: (send) => send(),
      advanceTo: (time) => times.push(time),
    });
    const trace = await simulateAsync(factory, {
      rate: 10,
      durationMs: 300,
      service: healthy,
      seed: 1,
    });
    // Issued at 0, 100, 200; answered at 20, 120, 220.
    expect(times).toEqual([0, 20, 100, 120, 200, 220]);
    expect([...trace.end]).toEqual([20, 120, 220]);
  });

  it('records a call as sent when the breaker lets it through, and the service judges it then', async () => {
    // This breaker holds every call until the previous call's answer, as cockatiel holds calls
    // while a half-open trial runs. The service heals at 110.
    const factory: SubjectFactory = () => {
      let previous: Promise<unknown> = Promise.resolve();
      return {
        mode: 'async',
        call(send) {
          const mine = previous.then(
            () => send(),
            () => send(),
          );
          previous = mine;
          return mine;
        },
      };
    };
    const trace = await simulateAsync(factory, {
      rate: 10,
      durationMs: 200,
      service: phases(down, { from: 110, service: healthy }),
      seed: 1,
    });
    expect(trace.sentAt[0]).toBe(0);
    const firstEnd = trace.end[0] as number;
    // Call 1 is issued at 100 but sent only when call 0 answered (or at 100 if it answered before).
    expect(trace.sentAt[1]).toBe(Math.max(100, firstEnd));
    expect(trace.ok[0]).toBe(0);
    expect(trace.ok[1]).toBe(0);
  });

  it('records a call whose promise settles without sending it as refused, when it settles', async () => {
    const factory: SubjectFactory = (context) => ({
      mode: 'async',
      call: (send) => (context.now() >= 100 ? Promise.reject(new Error('open')) : send()),
    });
    const trace = await simulateAsync(factory, {
      rate: 10,
      durationMs: 300,
      service: healthy,
      seed: 1,
    });
    expect(wasSent(trace, 0)).toBe(true);
    expect([...trace.refusedAt]).toEqual([Number.NaN, 100, 200]);
  });

  it('throws when a breaker sends one call twice', async () => {
    const factory: SubjectFactory = () => ({
      mode: 'async',
      call: async (send) => {
        await send();
        await send();
      },
    });
    await expect(
      simulateAsync(factory, { rate: 10, durationMs: 100, service: healthy, seed: 1 }),
    ).rejects.toThrow('call 0 was sent twice');
  });
});
