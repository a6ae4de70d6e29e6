// Model-based test of the breaker's state machine: random sequences of tryAcquire, permit
// settlements, clock steps, isolate/disable/reset and stats are run against a CircuitBreaker and
// against the reference model in ./reference-model.ts, with random options per run. After every
// command the state, inFlight, toJSON() and any admission or refusal (with openError()) are
// compared; stats() is compared after every command in half of the runs, and only at `stats()`
// commands and at the end in the others, because stats() itself moves a time window along and
// calling it every time would hide the path where a record is the first to see a later slice.
// The model implements the documented semantics:
//
//  1. Every state change, and every call of reset/isolate/disable, starts a new epoch; a permit
//     from an earlier epoch is stale: its settlement counts in totals and inFlight only.
//  2. A settlement's duration is the explicit durationMs when finite and >= 0, else the time since
//     admission; slow = duration >= slowCallDurationMs. Ignored calls are never slow.
//  3. Settling twice is a no-op; failure(error) with isFailure(error) === false is an ignore.
//  4. closed records counted outcomes and opens on failure rate, then slow-call rate (both only
//     when calls >= min(minimumCalls, count window size)), then consecutive failures.
//  5. Count window: the last `size` outcomes. Time window: slices of durationMs/buckets, the last
//     `buckets` slices up to the latest slice a record or stats() has seen.
//  6. open refuses until `until`; then the next tryAcquire makes it half-open (trial timeout:
//     halfOpenTimeoutMs, or the open period just over) and is judged as a trial request.
//  7. half-open admission: an expired in-flight trial reopens (refusal 'open'); else at most
//     halfOpenMaxCalls trials (in flight + succeeded).
//  8. half-open settlement of a current trial: expiry check first; success counts toward closing,
//     a counted failure reopens, an ignore frees the slot. Nothing is recorded in the window.
//  9. disabled admits and measures but never opens; forced-open refuses everything; entering
//     closed or disabled empties the window and the consecutive-failure count.
// 10. The bulkhead is asked after the circuit admits; its refusal leaves no trace.
// 11. totals.rejected counts every refusal.
// 12. toJSON() and initialState: see ReferenceModel.toJSON().
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BulkheadFullError,
  CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpenError,
  exponentialBackoff,
  type Permit,
} from '../src/index.ts';
import {
  type ModelAdmission,
  type ModelConfig,
  type ModelOutcome,
  type ModelSnapshot,
  ReferenceModel,
} from './reference-model.ts';

// --- configuration ---------------------------------------------------------------------------

/** The random part of one run: breaker options as plain data, so a counterexample prints well. */
interface Setup {
  window: { type: 'count'; size: number } | { type: 'time'; durationMs: number; buckets: number };
  minimumCalls: number;
  failureRateThreshold: number;
  slowCallRateThreshold: number;
  consecutiveFailures: number | undefined;
  slowCallDurationMs: number | undefined;
  openDurationMs: number | { initialMs: number; maxMs: number };
  halfOpenMaxCalls: number;
  halfOpenTimeoutMs: number | undefined;
  /** Whether `isFailure` is set, ignoring errors tagged `expected`. */
  ignoreTagged: boolean;
  maxConcurrent: number | undefined;
  /** The clock's start. */
  startAt: number;
  /** Compare stats() after every command; otherwise only at `stats` commands and at the end. */
  statsEveryStep: boolean;
  /**
   * Subscribe to the outcome events, which makes the breaker read the clock for every call (it
   * skips clock reads that nothing needs).
   */
  listen: boolean;
}

const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arb, { nil: undefined });

const thresholdArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 1, max: 100 }),
  fc.constantFrom(100, 50, 33.34, 66.67, 0.5),
  fc.double({ min: 0.01, max: 100, noNaN: true }),
);

/** Mostly whole milliseconds, sometimes not, so that open periods can end between clock ticks. */
const millisArb = (max: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max }).map((ms) => ms - 0.75) },
  );

const setupArb: fc.Arbitrary<Setup> = fc.record({
  window: fc.oneof(
    fc.record({ type: fc.constant('count' as const), size: fc.integer({ min: 1, max: 8 }) }),
    fc.record({
      type: fc.constant('time' as const),
      durationMs: fc.integer({ min: 10, max: 1_000 }),
      buckets: fc.integer({ min: 1, max: 5 }),
    }),
  ),
  minimumCalls: fc.integer({ min: 1, max: 10 }),
  failureRateThreshold: thresholdArb,
  slowCallRateThreshold: thresholdArb,
  consecutiveFailures: optional(fc.integer({ min: 1, max: 5 })),
  slowCallDurationMs: optional(fc.integer({ min: 1, max: 200 })),
  openDurationMs: fc.oneof(
    millisArb(300),
    fc
      .record({ initialMs: millisArb(100), extra: fc.integer({ min: 0, max: 700 }) })
      .map(({ initialMs, extra }) => ({ initialMs, maxMs: initialMs + extra })),
  ),
  halfOpenMaxCalls: fc.integer({ min: 1, max: 4 }),
  halfOpenTimeoutMs: optional(millisArb(400)),
  ignoreTagged: fc.boolean(),
  maxConcurrent: optional(fc.integer({ min: 1, max: 4 })),
  startAt: fc.integer({ min: 0, max: 5_000 }),
  statsEveryStep: fc.boolean(),
  listen: fc.boolean(),
});

const isExpected = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { expected?: unknown }).expected === true;
const ignoreExpected = (error: unknown): boolean => !isExpected(error);

const plainError = new Error('upstream failed');
const expectedError = Object.assign(new Error('not found (expected)'), { expected: true });

function modelConfig(setup: Setup): ModelConfig {
  return {
    window: setup.window,
    minimumCalls: setup.minimumCalls,
    failureRateThreshold: setup.failureRateThreshold,
    slowCallRateThreshold: setup.slowCallRateThreshold,
    consecutiveFailures: setup.consecutiveFailures,
    slowCallDurationMs: setup.slowCallDurationMs,
    openDuration: setup.openDurationMs,
    halfOpenMaxCalls: setup.halfOpenMaxCalls,
    halfOpenTimeoutMs: setup.halfOpenTimeoutMs,
    isFailure: setup.ignoreTagged ? ignoreExpected : undefined,
    maxConcurrent: setup.maxConcurrent,
  };
}

function breakerOptions(
  setup: Setup,
  clock: { now(): number },
  initialState?: ModelSnapshot,
): CircuitBreakerOptions {
  const o = setup.openDurationMs;
  return {
    name: 'model',
    window: setup.window,
    minimumCalls: setup.minimumCalls,
    failureRateThreshold: setup.failureRateThreshold,
    slowCallRateThreshold: setup.slowCallRateThreshold,
    openDurationMs:
      typeof o === 'number' ? o : exponentialBackoff({ initialMs: o.initialMs, maxMs: o.maxMs }),
    halfOpenMaxCalls: setup.halfOpenMaxCalls,
    clock,
    ...(setup.consecutiveFailures === undefined
      ? {}
      : { consecutiveFailures: setup.consecutiveFailures }),
    ...(setup.slowCallDurationMs === undefined
      ? {}
      : { slowCallDurationMs: setup.slowCallDurationMs }),
    ...(setup.halfOpenTimeoutMs === undefined
      ? {}
      : { halfOpenTimeoutMs: setup.halfOpenTimeoutMs }),
    ...(setup.ignoreTagged ? { isFailure: ignoreExpected } : {}),
    ...(setup.maxConcurrent === undefined
      ? {}
      : { bulkhead: { maxConcurrent: setup.maxConcurrent, maxQueue: 0 } }),
    ...(initialState === undefined ? {} : { initialState }),
  };
}

// --- the system under test and the model, side by side ------------------------------------------

interface Model {
  ref: ReferenceModel;
  statsEveryStep: boolean;
}

interface Real {
  breaker: CircuitBreaker;
  clock: { t: number };
  permits: Permit[];
}

function start(
  setup: Setup,
  at = setup.startAt,
  initialState?: ModelSnapshot,
  modelInitialState?: ModelSnapshot,
): { model: Model; real: Real } {
  const clock = { t: at };
  const breaker = new CircuitBreaker(breakerOptions(setup, { now: () => clock.t }, initialState));
  if (setup.listen) {
    for (const event of ['success', 'failure', 'ignored', 'slowCall'] as const) {
      breaker.on(event, () => {});
    }
  }
  const ref = new ReferenceModel(modelConfig(setup), at, modelInitialState ?? initialState);
  const model = { ref, statsEveryStep: setup.statsEveryStep };
  const real = { breaker, clock, permits: [] };
  compare(model, real, true);
  return { model, real };
}

function compareStats(m: Model, r: Real): void {
  const { name, ...stats } = r.breaker.stats();
  expect(name).toBe('model');
  expect(stats).toStrictEqual(m.ref.stats());
}

/** Compares everything observable; stats() only when asked, as it moves a time window along. */
function compare(m: Model, r: Real, withStats: boolean): void {
  expect(r.breaker.state).toBe(m.ref.state);
  expect(r.breaker.inFlight).toBe(m.ref.inFlight);
  expect(r.breaker.toJSON()).toStrictEqual(m.ref.toJSON());
  if (withStats) compareStats(m, r);
}

type Cmd = fc.Command<Model, Real>;

const check = (m: Model, r: Real): void => compare(m, r, m.statsEveryStep);

class Acquire implements Cmd {
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    const expected = m.ref.tryAcquire();
    const permit = r.breaker.tryAcquire();
    let actual: ModelAdmission;
    if (permit !== null) {
      r.permits.push(permit);
      actual = { admitted: true, permit: r.permits.length - 1 };
    } else {
      const error = r.breaker.openError();
      if (error instanceof BulkheadFullError) {
        expect(error.reason).toBe('full');
        expect(error.maxConcurrent).toBe(m.ref.config.maxConcurrent);
        expect(error.maxQueue).toBe(0);
        actual = { admitted: false, reason: 'bulkhead', retryAfterMs: undefined };
      } else {
        expect(error).toBeInstanceOf(CircuitOpenError);
        actual = { admitted: false, reason: error.reason, retryAfterMs: error.retryAfterMs };
      }
    }
    expect(actual).toStrictEqual(expected);
    check(m, r);
  }
  toString(): string {
    return 'acquire';
  }
}

type SettleKind = 'success' | 'failure' | 'failure(expected)' | 'ignore';

class Settle implements Cmd {
  readonly pick: number;
  readonly kind: SettleKind;
  readonly durationMs: number | undefined;
  /** Settles any permit, settled or not, rather than one still in flight. */
  readonly any: boolean;
  constructor(pick: number, kind: SettleKind, durationMs: number | undefined, any: boolean) {
    this.pick = pick;
    this.kind = kind;
    this.durationMs = durationMs;
    this.any = any;
  }
  #candidates(m: Readonly<Model>): number[] {
    return this.any ? [...Array(m.ref.permitCount).keys()] : m.ref.unsettled();
  }
  check(m: Readonly<Model>): boolean {
    return this.#candidates(m).length > 0;
  }
  run(m: Model, r: Real): void {
    const candidates = this.#candidates(m);
    const index = candidates[this.pick % candidates.length] as number;
    const permit = r.permits[index] as Permit;
    const d = this.durationMs;
    let outcome: ModelOutcome;
    switch (this.kind) {
      case 'success':
        outcome = { kind: 'success', durationMs: d };
        if (d === undefined) permit.success();
        else permit.success(d);
        break;
      case 'failure':
      case 'failure(expected)': {
        const error = this.kind === 'failure' ? plainError : expectedError;
        outcome = { kind: 'failure', error, durationMs: d };
        if (d === undefined) permit.failure(error);
        else permit.failure(error, d);
        break;
      }
      case 'ignore':
        outcome = { kind: 'ignore' };
        permit.ignore();
        break;
    }
    m.ref.settle(index, outcome);
    check(m, r);
  }
  toString(): string {
    const args =
      this.kind === 'ignore' || this.durationMs === undefined ? '' : `, ${this.durationMs}`;
    const which = this.any ? `any #${this.pick}` : `in-flight #${this.pick}`;
    return `settle(${which}, ${this.kind}${args})`;
  }
}

class Advance implements Cmd {
  readonly ms: number;
  constructor(ms: number) {
    this.ms = ms;
  }
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    r.clock.t += this.ms;
    m.ref.advance(this.ms);
    check(m, r);
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

/** Moves the clock onto one of the model's deadlines, or one millisecond either side of it. */
class AdvanceToDeadline implements Cmd {
  readonly pick: number;
  readonly offset: -1 | 0 | 1;
  /** What the last run moved the clock by, for the report. */
  ms: number | undefined;
  constructor(pick: number, offset: -1 | 0 | 1) {
    this.pick = pick;
    this.offset = offset;
  }
  #targets(m: Readonly<Model>): number[] {
    const now = m.ref.now;
    return m.ref
      .deadlines()
      .map((t) => Math.ceil(t) + this.offset)
      .filter((t) => t >= now);
  }
  check(m: Readonly<Model>): boolean {
    return this.#targets(m).length > 0;
  }
  run(m: Model, r: Real): void {
    const targets = this.#targets(m);
    const ms = (targets[this.pick % targets.length] as number) - m.ref.now;
    this.ms = ms;
    r.clock.t += ms;
    m.ref.advance(ms);
    check(m, r);
  }
  toString(): string {
    const offset = this.offset === 0 ? '' : this.offset > 0 ? ' + 1' : ' - 1';
    return `advanceToDeadline(#${this.pick}${offset}) /* advance(${this.ms}) */`;
  }
}

class Control implements Cmd {
  readonly action: 'isolate' | 'disable' | 'reset';
  constructor(action: 'isolate' | 'disable' | 'reset') {
    this.action = action;
  }
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    r.breaker[this.action]();
    m.ref[this.action]();
    check(m, r);
  }
  toString(): string {
    return `${this.action}()`;
  }
}

class Stats implements Cmd {
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    compare(m, r, true);
  }
  toString(): string {
    return 'stats()';
  }
}

const durationArb: fc.Arbitrary<number | undefined> = optional(
  fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 0, max: 400 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(-1, Number.NaN, Number.POSITIVE_INFINITY, 0.5, 199.5),
    },
  ),
);

const settleKindArb: fc.Arbitrary<SettleKind> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('success' as const) },
  { weight: 3, arbitrary: fc.constant('failure' as const) },
  { weight: 1, arbitrary: fc.constant('failure(expected)' as const) },
  { weight: 1, arbitrary: fc.constant('ignore' as const) },
);

const commandArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 40, arbitrary: fc.constant(new Acquire()) },
  {
    weight: 40,
    arbitrary: fc
      .tuple(
        fc.nat({ max: 63 }),
        settleKindArb,
        durationArb,
        fc.oneof(
          { weight: 7, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) },
        ),
      )
      .map(([pick, kind, d, any]) => new Settle(pick, kind, d, any)),
  },
  {
    weight: 24,
    arbitrary: fc
      .oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 1_200 }),
      )
      .map((ms) => new Advance(ms)),
  },
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.nat({ max: 7 }), fc.constantFrom<-1 | 0 | 1>(0, -1, 1))
      .map(([pick, offset]) => new AdvanceToDeadline(pick, offset)),
  },
  { weight: 6, arbitrary: fc.constant(new Stats()) },
  { weight: 3, arbitrary: fc.constant(new Control('reset')) },
  { weight: 1, arbitrary: fc.constant(new Control('isolate')) },
  { weight: 1, arbitrary: fc.constant(new Control('disable')) },
);

const commandsArb = fc.commands([commandArb], { maxCommands: 60, size: 'max' });

// --- properties --------------------------------------------------------------------------------

describe('CircuitBreaker against the reference model', () => {
  it('agrees with the model on every command', () => {
    fc.assert(
      fc.property(setupArb, commandsArb, (setup, commands) => {
        const env = start(setup);
        fc.modelRun(() => env, commands);
        compare(env.model, env.real, true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('restores a toJSON() snapshot as the model does', () => {
    fc.assert(
      fc.property(setupArb, commandsArb, commandsArb, (setup, before, after) => {
        const first = start(setup);
        fc.modelRun(() => first, before);
        const snapshot = first.real.breaker.toJSON();
        const modelSnapshot = first.model.ref.toJSON();
        expect(snapshot).toStrictEqual(modelSnapshot);
        // Through JSON, as a snapshot kept between invocations would travel.
        const second = start(
          setup,
          first.real.clock.t,
          JSON.parse(JSON.stringify(snapshot)) as ModelSnapshot,
          modelSnapshot,
        );
        fc.modelRun(() => second, after);
        compare(second.model, second.real, true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('cases the model found', () => {
  // While the closed-state fast path learned to skip clock reads, a call settled without a
  // duration had a NaN duration, and NaN < Infinity is false: every such call counted as slow.
  it.each([
    { type: 'count', size: 1 },
    { type: 'time', durationMs: 10, buckets: 1 },
  ] as const)('counts no call as slow when slowCallDurationMs is unset (%o)', (window) => {
    const breaker = new CircuitBreaker({
      window,
      minimumCalls: 1,
      failureRateThreshold: 1,
      slowCallRateThreshold: 100,
      openDurationMs: 1,
      clock: { now: () => 0 },
    });
    breaker.tryAcquire()?.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.stats()).toMatchObject({ calls: 1, slowCalls: 0, totals: { slowCalls: 0 } });
  });
});
