import { opensOnlyOnBadCalls } from './built-in-rules.ts';
import { Bulkhead } from './bulkhead.ts';
import type { Clock } from './clock.ts';
import {
  type BulkheadFullError,
  CircuitOpenError,
  type CircuitTimeoutError,
  InvalidOptionError,
} from './errors.ts';
import {
  type BreakerEventName,
  type BreakerEvents,
  type IgnoreReason,
  Listeners,
  type RejectionReason,
  type TransitionReason,
} from './events.ts';
import { limits } from './limits.ts';
import { Checker } from './option-checker.ts';
import type { Settings } from './options.ts';
import type { Settler } from './permit.ts';
import {
  boundedShared,
  closedPhase,
  disabledPhase,
  forcedOpenPhase,
  halfOpenAfter,
  initialPhase,
  nextAttempt,
  type Phase,
  phaseOf,
  sameState,
  sharedStateOf,
  snapshotOf,
} from './phase.ts';
import { predicateAnswer } from './predicate-answer.ts';
import type { BreakerSnapshot, CircuitState } from './snapshot.ts';
import type { SharedCircuitState, StoreBinding, WindowCounts } from './store.ts';
import { bindStore, noStore } from './store-binding.ts';
import {
  reasonOf,
  type Throttle,
  type TripCounts,
  type TripRule,
  throttleOf,
} from './trip-rule.ts';
import { CountWindow } from './windows/count-window.ts';
import type { OutcomeWindow } from './windows/outcome-window.ts';
import { TimeWindow } from './windows/time-window.ts';
import { withoutStackTrace } from './without-stack-trace.ts';

/** How long a caller shed by a throttling rule is told to wait before a retry may well pass. */
const throttledRetryAfterMs = 1_000;

/**
 * No timeout, no bulkhead, no fallback: `execute` and `wrap` calls without a caller's signal
 * take the call runner's plain path.
 */
const plainTrait = 1;
/** Every settlement needs the time: for a time window, a store or a throttle. */
const timedTrait = 2;
/** The rules open only on a window with a failed or slow call (the built-in ones do). */
const judgedOnBadCallsTrait = 4;

/** A breaker's throttle, and the place of its rule in `rules`, for reports. */
interface BoundThrottle {
  readonly throttle: Throttle;
  readonly index: number;
}

/** @internal Counts since a breaker was built; see `BreakerStats.totals`. */
export interface Totals {
  successes: number;
  failures: number;
  timeouts: number;
  ignored: number;
  rejected: number;
  cancelled: number;
  slowCalls: number;
  fallbacks: number;
}

/**
 * @internal The state machine of one breaker: its phase, the tickets that tie each admitted call
 * to the state it was admitted in, admission (half-open trials included), the record of outcomes,
 * when to open, the Retry-After hold, and the state shared with a store. It runs no promise and
 * no timer: everything it does happens inside the call that asks, and time is read from the
 * clock when a decision needs it.
 *
 * A ticket is a number handed to each admitted call. Every change of state starts a new epoch at
 * the next ticket, so a call admitted before it — a straggler — still counts in the totals but no
 * longer in the circuit's state.
 */
export class Circuit implements Settler {
  readonly settings: Settings;
  /** The bulkhead, when the breaker has one; admission takes a slot, settlement frees it. */
  readonly bulkhead: Bulkhead | undefined;
  // The totals, as fields of their own rather than an object: an idle breaker should cost
  // little memory. Read them together with `totals`.
  #successes = 0;
  #failures = 0;
  #timeouts = 0;
  #ignored = 0;
  #rejected = 0;
  #cancelled = 0;
  #slowCalls = 0;
  #fallbacks = 0;
  readonly #window: OutcomeWindow;
  /**
   * What the breaker's settings make of every call, as bits of one number (see `plain`, `timed`
   * and `judgedOnBadCalls` below) rather than a field each: an idle breaker should cost little.
   */
  readonly #traits: number;

  /** The rules that judge counts (those with `shouldOpen`), in order. */
  readonly #rules: readonly TripRule[];

  /** The throttles of the rules that have one; undefined when none does. */
  readonly #throttles: readonly BoundThrottle[] | undefined;
  readonly #binding: StoreBinding;
  // Created on first use: an idle breaker should cost little memory (see BENCHMARKS.md).
  #listeners: Listeners | undefined;
  #phase: Phase;
  /** The ticket the next admitted call receives; tickets below #epochStart are from a past state. */
  #nextTicket = 0;
  #epochStart = 0;
  #inFlight = 0;
  #lastRefusal: RejectionReason = 'open';
  /**
   * The latest finite reading of the clock (see `now`), 0 until there is one. A refusal reads it
   * rather than the clock: it follows the admission that read the clock. It starts as a small
   * integer, which costs an idle breaker no heap number; once it holds a double, writing another
   * changes it in place rather than allocating one per reading.
   */
  #lastNow = 0;
  /** The latest refusal's rejection, while its error still says what a refusal now would. */
  #refused:
    | { reason: RejectionReason; retryAfterMs: number | undefined; promise: Promise<never> }
    | undefined;
  /** The end of the longest wait a dependency asked for (Retry-After); see holdOpenFor. */
  // Undefined rather than -Infinity: a field holding a double costs an idle breaker a heap number.
  #holdUntil: number | undefined;
  /** The fleet-wide version of the state (see SharedCircuitState); counts transitions alone. */
  #version = 0;
  /**
   * The state the store offered that the breaker bounded into its current phase (see #adopt),
   * until the phase changes: offered again, it leaves the phase as it is.
   */
  #boundedFrom: SharedCircuitState | undefined;
  /**
   * The call runner's handle of the plain calls admitted in the current state, kept here for
   * the runner (see `admitPlainCall`), which checks it is of the current epoch before use.
   */
  epochCalls: object | undefined;

  constructor(settings: Settings) {
    this.settings = settings;
    const window = settings.window;
    this.#window =
      window.type === 'count'
        ? new CountWindow(window.size)
        : new TimeWindow(window.durationMs, window.buckets);
    // Most lists are all judges, and the default one is shared: keep it rather than a copy.
    this.#rules = settings.rules.every((rule) => rule.shouldOpen !== undefined)
      ? settings.rules
      : settings.rules.filter((rule) => rule.shouldOpen !== undefined);
    this.#throttles = throttlesOf(settings.rules, settings.name);
    this.bulkhead = settings.bulkhead && new Bulkhead(settings.bulkhead, settings.name);
    this.#phase = initialPhase(settings.initialState, () => this.now());
    this.#binding = bindStore(settings.store, {
      name: settings.name,
      halfOpenMaxCalls: settings.halfOpenMaxCalls,
      halfOpenTimeoutMs: settings.halfOpenTimeoutMs,
      current: () => sharedStateOf(this.#phase, this.#version),
      adopt: (state) => this.#adopt(state),
    });
    const plain =
      settings.timeoutMs === undefined &&
      settings.fallback === undefined &&
      this.bulkhead === undefined;
    const timed =
      window.type === 'time' || this.#binding !== noStore || this.#throttles !== undefined;
    this.#traits =
      (plain ? plainTrait : 0) |
      (timed ? timedTrait : 0) |
      (opensOnlyOnBadCalls(this.#rules) ? judgedOnBadCallsTrait : 0);
  }

  // Read from the settings rather than kept twice: an idle breaker should cost little memory.
  get name(): string {
    return this.settings.name;
  }

  get clock(): Clock {
    return this.settings.clock;
  }

  /**
   * The clock's reading, for every time the breaker measures: every reading goes through here. A
   * reading that is no finite number — NaN, ±Infinity, or no number at all — is taken as the last
   * finite one (0 before there was one): to the breaker the clock stood still, as a time window
   * takes a clock that stepped back. So one bad reading neither opens the circuit for good (an
   * open period until Infinity), nor ends an open period or a trial's deadline at once (a
   * comparison with NaN), nor shows up in a refusal's `retryAfterMs`, `stats()` or a snapshot.
   * A clock that throws is not caught here: an admission that cannot read it rejects.
   */
  now(): number {
    const now = this.clock.now();
    if (Number.isFinite(now)) {
      this.#lastNow = now;
      return now;
    }
    return this.#lastNow;
  }

  /**
   * {@link now} where a clock that throws must not stop what reads it: its error is reported,
   * and the reading is taken as the last finite one, as a reading that is no finite number is.
   * A call being settled reads the clock so: its permit is settled by then, and the clock's error
   * must neither reach whoever settles it (the caller of `execute` would get it instead of the
   * function's outcome) nor stop the call from being recorded (a half-open trial would hold its
   * slot until it timed out). So does `stats()`, which a metrics scrape reads for every breaker.
   */
  nowWithoutThrowing(): number {
    try {
      return this.now();
    } catch (error) {
      this.report('clock', error);
      return this.#lastNow;
    }
  }

  /** The totals since the breaker was built, as a new object. */
  get totals(): Totals {
    return {
      successes: this.#successes,
      failures: this.#failures,
      timeouts: this.#timeouts,
      ignored: this.#ignored,
      rejected: this.#rejected,
      cancelled: this.#cancelled,
      slowCalls: this.#slowCalls,
      fallbacks: this.#fallbacks,
    };
  }

  /** Whether `execute` and `wrap` calls without a caller's signal take the plain path. */
  get plainCalls(): boolean {
    return (this.#traits & plainTrait) !== 0;
  }

  /** Counts a call answered by the fallback. */
  countFallback(): void {
    this.#fallbacks++;
  }

  get state(): CircuitState {
    return this.#phase.kind;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** The ticket from which calls count in the current state; lower tickets are stragglers. */
  get epochStart(): number {
    return this.#epochStart;
  }

  /**
   * Whether calls admitted now differ only in the state they were admitted in: closed or
   * disabled. A half-open trial's ticket also says which trial it is.
   */
  get callsAlike(): boolean {
    const kind = this.#phase.kind;
    return kind === 'closed' || kind === 'disabled';
  }

  // --- events --------------------------------------------------------------------------------

  /** The breaker's listeners, created on first subscription. */
  listeners(): Listeners {
    this.#listeners ??= new Listeners(this.name);
    return this.#listeners;
  }

  /** Whether anyone listens to `event`, so that its payload is worth building. */
  listens(event: BreakerEventName): boolean {
    return this.#listeners?.lists[event] !== undefined;
  }

  emit<K extends BreakerEventName>(event: K, payload: BreakerEvents[K]): void {
    this.#listeners?.emit(event, payload);
  }

  /** Reports an error thrown by a user's function (see the callbackError event). */
  report(callback: string, error: unknown): void {
    this.listeners().report(callback, error);
  }

  /**
   * Calls a user's predicate; if it throws (or answers a promise: see predicateAnswer), reports
   * that and returns `otherwise`.
   */
  ask(
    callback: string,
    predicate: (value: unknown) => boolean,
    value: unknown,
    otherwise: boolean,
  ): boolean {
    try {
      return predicateAnswer(predicate(value), callback);
    } catch (error) {
      this.report(callback, error);
      return otherwise;
    }
  }

  // --- admission -----------------------------------------------------------------------------

  /** Admits a call (circuit, then bulkhead) and returns its ticket, or -1 when refused. */
  admit(): number {
    const ticket = this.admitCircuit();
    if (ticket < 0 || this.bulkhead === undefined || this.bulkhead.tryTake()) return ticket;
    this.abandon(ticket);
    return this.refuse('bulkhead');
  }

  /** Admits a call as far as the circuit is concerned (no bulkhead slot); -1 when refused. */
  admitCircuit(): number {
    const kind = this.#phase.kind;
    if (kind === 'closed' || kind === 'disabled') {
      if (this.#throttles !== undefined && kind === 'closed' && this.#throttled()) {
        return this.refuse('throttled');
      }
      this.#inFlight++;
      return this.#nextTicket++;
    }
    return this.#admitTrial(this.now());
  }

  /** Whether a throttle sheds the call about to be admitted; one that throws lets it through. */
  #throttled(): boolean {
    const throttles = this.#throttles as readonly BoundThrottle[];
    const now = this.now();
    for (const { throttle, index } of throttles) {
      try {
        if (predicateAnswer(throttle.shouldThrottle(now), 'shouldThrottle')) return true;
      } catch (error) {
        this.report(`rules[${index}].throttle().shouldThrottle`, error);
      }
    }
    return false;
  }

  /** Tells the throttles how a call admitted while closed or disabled ended. */
  #recordThrottles(failed: boolean, now: number): void {
    for (const { throttle, index } of this.#throttles as readonly BoundThrottle[]) {
      try {
        throttle.record(failed, now);
      } catch (error) {
        this.report(`rules[${index}].throttle().record`, error);
      }
    }
  }

  /** Admission outside the closed state, where time moves the circuit. */
  #admitTrial(now: number): number {
    const phase = this.#phase;
    switch (phase.kind) {
      case 'closed':
      case 'disabled':
        return this.admitCircuit();
      case 'forced-open':
        return this.refuse('forced-open');
      case 'open':
        if (now < phase.until) return this.refuse('open');
        this.#transition(
          halfOpenAfter(phase, this.settings.halfOpenTimeoutMs),
          'open-duration-elapsed',
        );
        // A stateChange listener may have moved the circuit again; judge the state it is in now.
        return this.#admitTrial(now);
      case 'half-open': {
        if (this.#expireTrials(phase, now)) return this.refuse('open');
        // With a store, the fleet grants the trials; when it cannot say, this process does.
        const granted = this.#binding.takeTrial();
        if (granted === false) return this.refuse('half-open-full');
        if (
          granted === undefined &&
          phase.trials.size + phase.succeeded >= this.settings.halfOpenMaxCalls
        ) {
          return this.refuse('half-open-full');
        }
        const ticket = this.#nextTicket++;
        phase.trials.set(ticket, now);
        if (granted === true) phase.fleetTrials.add(ticket);
        this.#inFlight++;
        return ticket;
      }
    }
  }

  /** Reopens the circuit when a trial has been out longer than the half-open timeout. */
  #expireTrials(phase: Extract<Phase, { kind: 'half-open' }>, now: number): boolean {
    for (const admittedAt of phase.trials.values()) {
      if (now - admittedAt >= phase.timeoutMs) {
        this.#open(now, nextAttempt(phase.attempt), 'trial-timeout');
        return true;
      }
    }
    return false;
  }

  /** Counts a refusal, for `reason`; returns -1, the ticket of a refused call. */
  refuse(reason: RejectionReason): -1 {
    this.#lastRefusal = reason;
    this.#rejected++;
    if (this.#listeners?.lists.rejected) this.emit('rejected', { name: this.name, reason });
    return -1;
  }

  /** Takes back an admission that will not be used, leaving no trace. */
  abandon(ticket: number): void {
    this.#inFlight--;
    const phase = this.#phase;
    if (phase.kind === 'half-open') {
      phase.trials.delete(ticket);
      if (phase.fleetTrials.delete(ticket)) this.#binding.trialSettled('ignored');
    }
  }

  /** Counts a call its caller cancelled before it was admitted. */
  cancel(reason: unknown, queued: boolean): void {
    this.#cancelled++;
    if (this.#listeners?.lists.cancelled) {
      this.emit('cancelled', { name: this.name, queued, error: reason });
    }
  }

  /**
   * The error that explains the most recent refusal: a {@link CircuitOpenError}, or the
   * bulkhead's {@link BulkheadFullError}; built without a stack trace.
   */
  refusalError(): CircuitOpenError | BulkheadFullError {
    const reason = this.#lastRefusal;
    return this.#refusalErrorFor(reason, this.#retryAfterMs(reason));
  }

  /**
   * A promise rejected with the error of the most recent refusal, for a caller of `execute`. It
   * is the same promise, and the same error, for every refusal until something the error says
   * changes (the reason, the milliseconds until a trial): a flood of refused calls then costs no
   * error, no stack trace and no rejection of its own.
   */
  refusal(): Promise<never> {
    const reason = this.#lastRefusal;
    // Asked right after a refused admission: the time that admission read is the time now.
    const retryAfterMs = this.#retryAfterMs(reason, this.#lastNow);
    const refused = this.#refused;
    if (
      refused !== undefined &&
      refused.reason === reason &&
      refused.retryAfterMs === retryAfterMs
    ) {
      return refused.promise;
    }
    const promise = Promise.reject(this.#refusalErrorFor(reason, retryAfterMs));
    this.#refused = { reason, retryAfterMs, promise };
    return promise;
  }

  /**
   * What a refusal for `reason` would tell about when to retry, in milliseconds. Asked with no
   * time, it reads the clock; a clock that throws then is reported and its last reading used:
   * the error explains a refusal already made, so it must not fail (an adapter answering a
   * request with it would answer 500 rather than 503).
   */
  #retryAfterMs(reason: RejectionReason, now?: number): number | undefined {
    if (reason === 'throttled') return throttledRetryAfterMs;
    const phase = this.#phase;
    return phase.kind === 'open' && reason !== 'bulkhead'
      ? Math.max(0, Math.ceil(phase.until - (now ?? this.nowWithoutThrowing())))
      : undefined;
  }

  #refusalErrorFor(
    reason: RejectionReason,
    retryAfterMs: number | undefined,
  ): CircuitOpenError | BulkheadFullError {
    const bulkhead = this.bulkhead;
    if (reason === 'bulkhead' && bulkhead !== undefined) {
      return withoutStackTrace(() => bulkhead.fullError());
    }
    const refusal = reason === 'bulkhead' ? 'open' : reason;
    return withoutStackTrace(() => new CircuitOpenError(this.name, refusal, retryAfterMs));
  }

  /**
   * {@link startTime} for a call just admitted with `ticket`. A clock that throws here takes the
   * admission back, bulkhead slot and all, before the error goes on: no permit exists yet to
   * settle that ticket, and a half-open trial slot would otherwise be held for good.
   */
  admittedAt(ticket: number): number {
    try {
      return this.startTime();
    } catch (error) {
      this.abandon(ticket);
      this.bulkhead?.release();
      throw error;
    }
  }

  /** The time a call starts, or NaN when nothing needs its duration (saves a clock read). */
  startTime(): number {
    return this.settings.slowCallDurationMs !== undefined || this.#listeners?.timed === true
      ? this.now()
      : Number.NaN;
  }

  // --- settlement ----------------------------------------------------------------------------

  succeed(ticket: number, startedAt: number, durationMs: number | undefined): void {
    this.#release(true);
    // Counted before the clock is read: a clock that throws must not lose the call from the totals.
    this.#successes++;
    const now = this.#settleTime(startedAt, durationMs);
    const duration = durationMs ?? elapsed(startedAt, now);
    const slow = this.#countSlow(duration, true);
    if (this.#listeners?.lists.success) {
      this.emit('success', { name: this.name, durationMs: duration });
    }
    if (ticket < this.#epochStart) return;
    const phase = this.#phase;
    if (phase.kind === 'half-open') {
      if (this.#expireTrials(phase, now)) return;
      phase.trials.delete(ticket);
      if (phase.fleetTrials.delete(ticket)) {
        // The fleet counts it, and closes every process's circuit once enough have succeeded.
        this.#binding.trialSettled('success');
        return;
      }
      phase.succeeded++;
      if (phase.succeeded >= this.settings.halfOpenMaxCalls) {
        this.#transition(closedPhase, 'trials-succeeded');
      }
      return;
    }
    this.#window.record(false, slow, now);
    this.#binding.record(false, slow, now);
    if (this.#throttles !== undefined) this.#recordThrottles(false, now);
    if (phase.kind === 'closed') this.#tripIfNeeded(now);
  }

  /**
   * Records a failure, or an ignored call when `isFailure` rejects the error; true for a
   * failure. A dependency's request to be left alone (`retryAfterMs`) holds the circuit open.
   */
  failOrIgnore(
    ticket: number,
    startedAt: number,
    durationMs: number | undefined,
    error: unknown,
    retryAfterMs: number | undefined,
  ): boolean {
    if (retryAfterMs !== undefined && retryAfterMs > 0) this.#holdOpenFor(retryAfterMs);
    const isFailure = this.settings.isFailure;
    if (isFailure !== undefined && !this.ask('isFailure', isFailure, error, true)) {
      this.#ignore(ticket, startedAt, 'not-a-failure', error, durationMs, true);
      return false;
    }
    this.#fail(ticket, startedAt, durationMs, error, undefined, true);
    return true;
  }

  /** Records a failure the call returned rather than threw (`isResultFailure`). */
  failResult(ticket: number, startedAt: number, result: unknown): void {
    this.#fail(ticket, startedAt, undefined, undefined, result, true);
  }

  /** Records a call that timed out; its bulkhead slot stays taken until its function settles. */
  timedOut(ticket: number, startedAt: number, error: CircuitTimeoutError): void {
    this.#timeouts++;
    if (this.#listeners?.lists.timeout) {
      this.emit('timeout', {
        name: this.name,
        durationMs: elapsed(startedAt, this.nowWithoutThrowing()),
        timeoutMs: error.timeoutMs,
      });
    }
    this.#fail(ticket, startedAt, undefined, error, undefined, false);
  }

  /**
   * Records a call cancelled by its caller; `freeSlot` false when its function runs on and keeps
   * its bulkhead slot until it settles.
   */
  ignore(ticket: number, startedAt: number, error: unknown, freeSlot: boolean): void {
    this.#ignore(ticket, startedAt, 'cancelled', error, undefined, freeSlot);
  }

  #fail(
    ticket: number,
    startedAt: number,
    durationMs: number | undefined,
    error: unknown,
    result: unknown,
    freeSlot: boolean,
  ): void {
    this.#release(freeSlot);
    this.#failures++;
    const now = this.#settleTime(startedAt, durationMs);
    const duration = durationMs ?? elapsed(startedAt, now);
    const slow = this.#countSlow(duration, false);
    if (this.#listeners?.lists.failure) {
      this.emit(
        'failure',
        result === undefined
          ? { name: this.name, durationMs: duration, error }
          : { name: this.name, durationMs: duration, result },
      );
    }
    if (ticket < this.#epochStart) return;
    const phase = this.#phase;
    if (phase.kind === 'half-open') {
      if (phase.fleetTrials.delete(ticket)) this.#binding.trialSettled('failure');
      if (!this.#expireTrials(phase, now)) {
        this.#open(now, nextAttempt(phase.attempt), 'trial-failed');
      }
      return;
    }
    this.#window.record(true, slow, now);
    this.#binding.record(true, slow, now);
    if (this.#throttles !== undefined) this.#recordThrottles(true, now);
    if (phase.kind === 'closed') this.#tripIfNeeded(now);
  }

  #ignore(
    ticket: number,
    startedAt: number,
    reason: IgnoreReason,
    error: unknown,
    durationMs: number | undefined,
    freeSlot: boolean,
  ): void {
    this.#release(freeSlot);
    this.#ignored++;
    const now = this.#settleTime(startedAt, durationMs);
    if (this.#listeners?.lists.ignored) {
      const duration = durationMs ?? elapsed(startedAt, now);
      this.emit(
        'ignored',
        error === undefined
          ? { name: this.name, durationMs: duration, reason }
          : { name: this.name, durationMs: duration, reason, error },
      );
    }
    const phase = this.#phase;
    // An ignored trial frees its slot, unless it had already outlived the half-open timeout.
    if (
      ticket >= this.#epochStart &&
      phase.kind === 'half-open' &&
      !this.#expireTrials(phase, now)
    ) {
      phase.trials.delete(ticket);
      if (phase.fleetTrials.delete(ticket)) this.#binding.trialSettled('ignored');
    }
  }

  /** Frees what an admitted call held: its place in flight, and its bulkhead slot if asked. */
  #release(freeSlot: boolean): void {
    this.#inFlight--;
    if (freeSlot) this.bulkhead?.release();
  }

  /**
   * The time of a settlement, or NaN when nothing needs it: the clock is read only for a
   * duration, a time window, a store, a throttle, or half-open bookkeeping, because on some
   * machines a clock read costs more than the rest of the call's bookkeeping together.
   */
  #settleTime(startedAt: number, durationMs: number | undefined): number {
    return (this.#traits & timedTrait) !== 0 ||
      (durationMs === undefined && !Number.isNaN(startedAt)) ||
      this.#phase.kind === 'half-open'
      ? this.nowWithoutThrowing()
      : Number.NaN;
  }

  #countSlow(durationMs: number, succeeded: boolean): boolean {
    const slowCallDurationMs = this.settings.slowCallDurationMs;
    if (slowCallDurationMs === undefined || durationMs < slowCallDurationMs) return false;
    this.#slowCalls++;
    if (this.#listeners?.lists.slowCall) {
      this.emit('slowCall', { name: this.name, durationMs, succeeded });
    }
    return true;
  }

  // --- transitions ---------------------------------------------------------------------------

  /**
   * Asks the rules whether the window's counts call for opening, then — when none does and the
   * breaker has a store — the fleet's: the fleet's counts trip every process together, however
   * few calls each one saw.
   */
  #tripIfNeeded(now: number): void {
    const window = this.#window;
    // The built-in rules have nothing to say about a window of good calls alone: most calls.
    const clean =
      (this.#traits & judgedOnBadCallsTrait) !== 0 &&
      window.failures === 0 &&
      window.slowCalls === 0;
    const rule =
      (clean ? undefined : this.#ruleToOpen(window)) ??
      (this.#binding === noStore ? undefined : this.#ruleToOpenFleet(now));
    if (rule !== undefined) this.#open(now, 1, reasonOf(rule), rule.name);
  }

  #ruleToOpenFleet(now: number): TripRule | undefined {
    const fleet = this.#binding.fleetCounts(now);
    return fleet === undefined ? undefined : this.#ruleToOpen(fleetCountsOf(fleet));
  }

  /** The first rule that says `counts` call for opening; a rule that throws says no. */
  #ruleToOpen(counts: TripCounts): TripRule | undefined {
    const rules = this.#rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as TripRule;
      try {
        if (predicateAnswer((rule as Required<TripRule>).shouldOpen(counts), 'shouldOpen')) {
          return rule;
        }
      } catch (error) {
        this.report(`rules[${this.settings.rules.indexOf(rule)}].shouldOpen`, error);
      }
    }
    return undefined;
  }

  /**
   * Honours a dependency's request to be left alone until now + `ms`: an open circuit stays open
   * at least that long, and so does one that opens before then.
   */
  #holdOpenFor(ms: number): void {
    const until = this.nowWithoutThrowing() + Math.min(ms, limits.durationMs);
    if (this.#holdUntil !== undefined && until <= this.#holdUntil) return;
    this.#holdUntil = until;
    const phase = this.#phase;
    if (phase.kind !== 'open' || phase.until >= until) return;
    this.#phase = { ...phase, until };
    // Published, as an opening is: every process of the fleet leaves the dependency alone as
    // long as it asked, rather than sending trials when its own open period ends. The state is
    // still open, so no transition is announced, here or where the fleet takes it.
    this.#publish();
  }

  #open(time: number, attempt: number, reason: TransitionReason, rule?: string): void {
    // NaN: the settlement that calls for opening did not need the time until now.
    const now = Number.isNaN(time) ? this.nowWithoutThrowing() : time;
    const until = Math.max(
      now + this.#openDurationFor(attempt),
      this.#holdUntil ?? Number.NEGATIVE_INFINITY,
    );
    this.#transition({ kind: 'open', openedAt: now, until, attempt }, reason, rule);
  }

  #openDurationFor(attempt: number): number {
    let durationMs: unknown;
    try {
      durationMs = this.settings.openDuration(attempt);
    } catch (error) {
      this.report('openDurationMs', error);
      return this.settings.firstOpenDurationMs;
    }
    // Longer than any duration may be is cut to the longest; what is no duration at all is reported.
    if (typeof durationMs === 'number' && durationMs > 0) {
      return Math.min(durationMs, limits.durationMs);
    }
    this.report(
      'openDurationMs',
      new InvalidOptionError(
        'openDurationMs',
        durationMs,
        `a number of milliseconds > 0 for attempt ${attempt}`,
        this.name,
      ),
    );
    return this.settings.firstOpenDurationMs;
  }

  /** Forces the circuit open until reset. */
  isolate(): void {
    this.#transition(forcedOpenPhase, 'isolate');
  }

  /** Lets every call through, measuring but never tripping, until reset. */
  disable(): void {
    this.#transition(disabledPhase, 'disable');
  }

  /** Closes the circuit with an empty window, from any state. */
  reset(): void {
    this.#transition(closedPhase, 'reset');
  }

  /** A change this process made: it takes the next version and is published to the fleet. */
  #transition(next: Phase, reason: TransitionReason, rule?: string): void {
    const from = this.#enter(next);
    this.#publish();
    this.#announce(from, reason, rule);
  }

  /** Publishes the phase to the fleet as the next version. */
  #publish(): void {
    const expected = this.#version++;
    this.#binding.publish(sharedStateOf(this.#phase, this.#version), expected);
  }

  /**
   * Takes on the state the fleet agreed on when it is newer than this process's — or as new but
   * different: two processes that changed the state at once both counted on the same next
   * version, and the one the fleet took wins.
   *
   * An open or half-open state whose period no breaker sets — one that begins far ahead of this
   * breaker's clock, or lasts longer than any duration may (see boundedShared) — is taken
   * bounded on this breaker's clock. Returns the state taken instead (at the version offered),
   * for the store to report; undefined when the state was taken as it is, or not at all. Offered
   * the same state again — a store re-offers what it holds — the breaker keeps the period it took
   * the first time, with its trials in flight, and answers it again: a period that began in the
   * future, taken to begin now, would otherwise begin anew with every offer. When that period
   * ends, the breaker half-opens and publishes it, as at the end of any open period: the fleet
   * follows, and the bounded state is never written back, since one process cannot tell whose
   * clock is wrong (a replica far behind would write its own time over honest states).
   */
  #adopt(shared: SharedCircuitState): SharedCircuitState | undefined {
    if (shared.version < this.#version) return undefined;
    if (
      shared.version === this.#version &&
      sameState(shared, sharedStateOf(this.#phase, this.#version))
    )
      return undefined;
    const boundedFrom = this.#boundedFrom;
    if (boundedFrom !== undefined && sameState(shared, boundedFrom)) {
      this.#version = shared.version;
      return sharedStateOf(this.#phase, this.#version);
    }
    const bounded =
      shared.state === 'open' || shared.state === 'half-open'
        ? boundedShared(shared, this.nowWithoutThrowing())
        : undefined;
    this.#version = shared.version;
    const from = this.#enter(phaseOf(bounded ?? shared, this.settings.halfOpenTimeoutMs));
    // A copy: the store's object is the store's to change.
    if (bounded !== undefined) this.#boundedFrom = { ...shared };
    this.#announce(from, 'fleet');
    return bounded;
  }

  /** Enters a phase; returns the state it left. */
  #enter(next: Phase): CircuitState {
    const from = this.#phase.kind;
    this.#phase = next;
    // Calls admitted before this moment no longer count toward the circuit's state.
    this.#epochStart = this.#nextTicket;
    this.#refused = undefined;
    this.#boundedFrom = undefined;
    if (next.kind === 'closed' || next.kind === 'disabled') {
      this.#window.clear();
      this.#holdUntil = undefined;
    }
    return from;
  }

  #announce(from: CircuitState, reason: TransitionReason, rule?: string): void {
    const next = this.#phase;
    if (from !== next.kind && this.#listeners?.lists.stateChange) {
      const change = { name: this.name, from, to: next.kind, reason };
      if (next.kind !== 'open') this.emit('stateChange', change);
      else if (rule === undefined || reason !== 'trip-rule') {
        this.emit('stateChange', { ...change, openUntil: next.until, attempt: next.attempt });
      } else {
        this.emit('stateChange', { ...change, openUntil: next.until, attempt: next.attempt, rule });
      }
    }
  }

  // --- reading -------------------------------------------------------------------------------

  /** The window's counts, brought up to `now`. */
  windowAt(now: number): OutcomeWindow {
    this.#window.advance(now);
    return this.#window;
  }

  /** The open period, while the circuit is open. */
  openPeriod(): { openedAt: number; until: number } | undefined {
    const phase = this.#phase;
    return phase.kind === 'open' ? phase : undefined;
  }

  /** The state and its timing at `now`, as `toJSON()` gives it. */
  snapshot(now: number): BreakerSnapshot {
    return snapshotOf(this.#phase, now);
  }

  /** Lets go of the store. */
  dispose(): void {
    this.#binding.unbind();
  }
}

/** Makes a breaker's throttles from the rules that have one; undefined when none has. */
function throttlesOf(
  rules: readonly TripRule[],
  breakerName: string,
): readonly BoundThrottle[] | undefined {
  const throttles: BoundThrottle[] = [];
  rules.forEach((rule, index) => {
    if (rule.throttle !== undefined) {
      throttles.push({ throttle: throttleOf(rule, index, new Checker(breakerName)), index });
    }
  });
  return throttles.length === 0 ? undefined : throttles;
}

/** The fleet's counts as the rules read them: no capacity to wait for, no run of failures. */
function fleetCountsOf(counts: WindowCounts): TripCounts {
  return {
    calls: counts.calls,
    failures: counts.failures,
    slowCalls: counts.slowCalls,
    capacity: Number.POSITIVE_INFINITY,
    consecutiveFailures: undefined,
  };
}

/** A call's duration; 0 when its start was not measured because nothing needed it. */
function elapsed(startedAt: number, now: number): number {
  return Number.isNaN(startedAt) ? 0 : now - startedAt;
}
