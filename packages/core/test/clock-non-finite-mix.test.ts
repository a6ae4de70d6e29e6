// A property test of the circuit's time under a clock that reads NaN, Infinity or -Infinity now
// and then, and finite readings (forward, and sometimes back) in between: random mixes of calls
// through execute() (values, throws, resolutions, rejections), permits held and settled later
// (success, failure, failure with a Retry-After, ignore), reset(), stats() and toJSON(), against
// breakers with random options. The breaker takes a reading that is no finite number as its last
// finite reading. Asserted:
//
//  - every open period ends at the last finite reading when it opened plus the open duration of
//    its attempt (with backoff), or at a Retry-After hold when that is later: never at NaN or
//    Infinity, never at once;
//  - an open circuit half-opens on the first request once its last finite reading has reached
//    that end, and refuses every request before (with retryAfterMs the time left, rounded up);
//  - a half-open circuit reopens for a trial timeout exactly when a trial is out that long;
//  - execute() never throws: it resolves or rejects as the function did, or rejects with the
//    refusal; stats() and toJSON() hold finite numbers only, and the snapshot restores.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpenError,
  exponentialBackoff,
  type Permit,
} from '../src/index.ts';

const longest = 2_147_483_647;

interface Setup {
  openDurationMs: number | { initialMs: number; maxMs: number; factor: number };
  halfOpenMaxCalls: number;
  halfOpenTimeoutMs: number | undefined;
  consecutiveFailures: number;
  /** Set, the breaker reads the clock when it admits a call. */
  slowCallDurationMs: number | undefined;
  window: { type: 'count'; size: number } | { type: 'time'; durationMs: number };
  /** Listening to outcomes, the breaker reads the clock for every call. */
  listen: boolean;
  startAt: number;
}

type Reading =
  | { kind: 'forward'; ms: number }
  | { kind: 'back'; ms: number }
  | { kind: 'bad'; value: number };

type Command =
  | { kind: 'clock'; reading: Reading }
  | { kind: 'execute'; outcome: 'return' | 'throw' | 'resolve' | 'reject' }
  | { kind: 'acquire' }
  | { kind: 'settle'; index: number; how: 'success' | 'failure' | 'ignore' | 'retry-after' }
  | { kind: 'reset' }
  | { kind: 'look' };

const setupArb: fc.Arbitrary<Setup> = fc.record({
  openDurationMs: fc.oneof(
    fc.integer({ min: 1, max: 2_000 }),
    fc.record({
      initialMs: fc.integer({ min: 1, max: 500 }),
      maxMs: fc.integer({ min: 500, max: 4_000 }),
      factor: fc.constantFrom(1, 1.5, 2, 3),
    }),
  ),
  halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
  halfOpenTimeoutMs: fc.option(fc.integer({ min: 1, max: 4_000 }), { nil: undefined }),
  consecutiveFailures: fc.integer({ min: 1, max: 3 }),
  slowCallDurationMs: fc.option(fc.integer({ min: 1, max: 2_000 }), { nil: undefined }),
  window: fc.oneof(
    fc.record({ type: fc.constant('count' as const), size: fc.integer({ min: 1, max: 10 }) }),
    fc.record({
      type: fc.constant('time' as const),
      durationMs: fc.integer({ min: 1, max: 5_000 }),
    }),
  ),
  listen: fc.boolean(),
  startAt: fc.integer({ min: 0, max: 1_000_000 }),
});

const readingArb: fc.Arbitrary<Reading> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('forward' as const), ms: fc.nat(3_000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('back' as const), ms: fc.nat(2_000) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('bad' as const),
      value: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    }),
  },
);

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('clock' as const), reading: readingArb }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('execute' as const),
      outcome: fc.constantFrom(
        'return' as const,
        'throw' as const,
        'resolve' as const,
        'reject' as const,
      ),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'acquire' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('settle' as const),
      index: fc.nat(),
      how: fc.constantFrom(
        'success' as const,
        'failure' as const,
        'ignore' as const,
        'retry-after' as const,
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'look' as const }) },
);

/** A clock that answers the reading the test set, and remembers the last finite one it gave. */
class ScriptedClock {
  reading: number;
  /** The last finite reading the breaker was given: the time it takes a bad reading for. */
  lastFinite = 0;

  constructor(start: number) {
    this.reading = start;
  }

  now(): number {
    if (Number.isFinite(this.reading)) this.lastFinite = this.reading;
    return this.reading;
  }

  /** The breaker's time once it reads the clock now. */
  get next(): number {
    return Number.isFinite(this.reading) ? this.reading : this.lastFinite;
  }
}

function optionsOf(setup: Setup, clock: ScriptedClock): CircuitBreakerOptions {
  const o = setup.openDurationMs;
  return {
    name: 'non-finite-mix',
    clock,
    consecutiveFailures: setup.consecutiveFailures,
    openDurationMs: typeof o === 'number' ? o : exponentialBackoff(o),
    halfOpenMaxCalls: setup.halfOpenMaxCalls,
    window: setup.window,
    ...(setup.halfOpenTimeoutMs === undefined
      ? {}
      : { halfOpenTimeoutMs: setup.halfOpenTimeoutMs }),
    ...(setup.slowCallDurationMs === undefined
      ? {}
      : { slowCallDurationMs: setup.slowCallDurationMs }),
  };
}

function durationFor(setup: Setup, attempt: number): number {
  const o = setup.openDurationMs;
  return Math.min(typeof o === 'number' ? o : exponentialBackoff(o)(attempt), longest);
}

/** Every number in `value`, however deep. */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(numbersIn);
}

/** What the test knows of the breaker's time, kept from its events and its own commands. */
interface Track {
  /** The open period, while open: when it began, and when it ends (holds included). */
  open: { openedAt: number; until: number } | undefined;
  /** The trial timeout of the half-open period, while half-open. */
  trialTimeoutMs: number | undefined;
  /** The end of the longest Retry-After hold since the circuit last closed. */
  holdUntil: number;
  /** Opens for a trial timeout during the current command. */
  trialTimeouts: number;
  /** Transitions to half-open during the current command. */
  halfOpened: number;
}

interface Held {
  permit: Permit;
  settled: boolean;
  /** When it was admitted, if as a trial: on the breaker's time. */
  trialSince: number | undefined;
}

async function run(setup: Setup, commands: readonly Command[]): Promise<void> {
  const clock = new ScriptedClock(setup.startAt);
  let base = setup.startAt;
  const breaker = new CircuitBreaker(optionsOf(setup, clock));
  if (setup.listen) breaker.on('success', () => {});
  const track: Track = {
    open: undefined,
    trialTimeoutMs: undefined,
    holdUntil: Number.NEGATIVE_INFINITY,
    trialTimeouts: 0,
    halfOpened: 0,
  };
  const held: Held[] = [];
  // A listener's throw is reported, not raised: what it finds wrong is checked after each command.
  const wrong: unknown[] = [];
  breaker.on('stateChange', (change) => {
    if (change.to === 'open') {
      const openedAt = clock.lastFinite;
      const until = change.openUntil as number;
      // The open period runs from the last finite reading; never to NaN or Infinity.
      const expected = Math.max(
        openedAt + durationFor(setup, change.attempt as number),
        track.holdUntil,
      );
      if (until !== expected) wrong.push({ openedAt, until, expected, attempt: change.attempt });
      track.open = { openedAt, until };
      if (change.reason === 'trial-timeout') track.trialTimeouts++;
    }
    if (change.to === 'half-open') {
      // The period that just ended sets the trial timeout, unless one is given.
      const open = track.open as { openedAt: number; until: number };
      track.trialTimeoutMs =
        setup.halfOpenTimeoutMs ?? Math.min(open.until - open.openedAt, longest);
      track.halfOpened++;
    } else {
      track.trialTimeoutMs = undefined;
    }
    if (change.to !== 'open') track.open = undefined;
    if (change.to === 'closed') track.holdUntil = Number.NEGATIVE_INFINITY;
    // The trials of an earlier state no longer count toward this one.
    for (const h of held) h.trialSince = undefined;
  });

  /** Whether a trial is out at least the trial timeout, at the breaker's next time. */
  const trialExpired = (): boolean =>
    track.trialTimeoutMs !== undefined &&
    held.some(
      (h) =>
        !h.settled &&
        h.trialSince !== undefined &&
        clock.next - h.trialSince >= (track.trialTimeoutMs as number),
    );

  /** Checks an admission against the open period it found; returns whether it was admitted. */
  const admission = async (admit: () => Promise<boolean>): Promise<boolean> => {
    const before = breaker.state;
    const open = track.open;
    const expired = before === 'half-open' && trialExpired();
    const halfOpenedBefore = track.halfOpened;
    const timeoutsBefore = track.trialTimeouts;
    const time = clock.next;
    const admitted = await admit();
    if (before === 'open' && open !== undefined) {
      // Half-opens exactly when the last finite reading reaches the end of the open period.
      expect({ halfOpened: track.halfOpened > halfOpenedBefore, time, until: open.until }).toEqual({
        halfOpened: time >= open.until,
        time,
        until: open.until,
      });
      if (time < open.until) {
        expect(admitted).toBe(false);
        expect(breaker.openError()).toMatchObject({
          reason: 'open',
          retryAfterMs: Math.max(0, Math.ceil(open.until - time)),
        });
      }
    }
    if (before === 'half-open') {
      expect(track.trialTimeouts > timeoutsBefore).toBe(expired);
    }
    return admitted;
  };

  for (const command of commands) {
    track.trialTimeouts = 0;
    switch (command.kind) {
      case 'clock': {
        const { reading } = command;
        if (reading.kind === 'forward') {
          base += reading.ms;
          clock.reading = base;
        } else if (reading.kind === 'back') {
          clock.reading = base - reading.ms;
        } else {
          clock.reading = reading.value;
        }
        break;
      }
      case 'execute': {
        let called = false;
        const value = { value: 'ok' };
        const error = new Error('down');
        const fn = (): unknown => {
          called = true;
          switch (command.outcome) {
            case 'return':
              return value;
            case 'throw':
              throw error;
            case 'resolve':
              return Promise.resolve(value);
            case 'reject':
              return Promise.reject(error);
          }
        };
        await admission(async () => {
          let promise: Promise<unknown>;
          try {
            promise = breaker.execute(fn);
          } catch (thrown) {
            expect.fail(`execute() threw ${String(thrown)}`);
          }
          const outcome = await promise.then(
            (v) => ({ v }),
            (e: unknown) => ({ e }),
          );
          if (!called) {
            expect('e' in outcome && outcome.e instanceof CircuitOpenError).toBe(true);
          } else if (command.outcome === 'return' || command.outcome === 'resolve') {
            expect(outcome).toEqual({ v: value });
          } else {
            expect(outcome).toEqual({ e: error });
          }
          return called;
        });
        break;
      }
      case 'acquire': {
        let permit: Permit | null = null;
        const admitted = await admission(async () => {
          permit = breaker.tryAcquire();
          return permit !== null;
        });
        if (admitted && permit !== null) {
          const trial = breaker.state === 'half-open';
          held.push({ permit, settled: false, trialSince: trial ? clock.lastFinite : undefined });
        }
        break;
      }
      case 'settle': {
        const open = held.filter((h) => !h.settled);
        const h = open[command.index % Math.max(1, open.length)];
        if (h === undefined) break;
        const expired = breaker.state === 'half-open' && trialExpired();
        const wasHalfOpen = breaker.state === 'half-open' && h.trialSince !== undefined;
        if (command.how === 'retry-after') {
          // The hold is taken at the breaker's time when the failure is settled.
          const until = clock.next + 2_500;
          track.holdUntil = Math.max(track.holdUntil, until);
          if (track.open !== undefined) track.open.until = Math.max(track.open.until, until);
        }
        h.settled = true;
        if (command.how === 'success') h.permit.success();
        else if (command.how === 'failure') h.permit.failure(new Error('down'));
        else if (command.how === 'ignore') h.permit.ignore();
        else h.permit.failure(new Error('busy'), { retryAfterMs: 2_500 });
        if (wasHalfOpen) expect(track.trialTimeouts > 0).toBe(expired);
        break;
      }
      case 'reset':
        breaker.reset();
        track.holdUntil = Number.NEGATIVE_INFINITY;
        break;
      case 'look': {
        const stats = breaker.stats();
        expect(numbersIn(stats).filter((n) => !Number.isFinite(n))).toEqual([]);
        const snapshot = breaker.toJSON();
        expect(numbersIn(snapshot).filter((n) => !Number.isFinite(n))).toEqual([]);
        expect(() => new CircuitBreaker({ initialState: snapshot })).not.toThrow();
        break;
      }
    }
    expect(wrong).toEqual([]);
  }
  expect(breaker.inFlight).toBe(held.filter((h) => !h.settled).length);
}

describe('a clock that reads NaN or ±Infinity now and then', () => {
  it('never opens the circuit for good nor lets trials through early, and execute() never throws', async () => {
    await fc.assert(
      fc.asyncProperty(setupArb, fc.array(commandArb, { minLength: 20, maxLength: 80 }), run),
      { numRuns: 500 },
    );
  });
});
