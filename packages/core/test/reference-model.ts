// A reference model of one circuit breaker driven through tryAcquire() and permits, written from
// the documented semantics (DESIGN.md, "State machine", and the rules listed in model.test.ts),
// not from the engine's code. It favours the obvious over the fast: the window is a plain list of
// outcomes, in-flight trials are found by scanning the permits, nothing is cached.

import type { BreakerStats } from '../src/index.ts';

export type ModelState = 'closed' | 'open' | 'half-open' | 'forced-open' | 'disabled';
// 'throttled' only so that a breaker's refusal reason type-checks against the model's: the model
// has no throttling rule and never refuses for it.
export type ModelRefusal = 'open' | 'half-open-full' | 'forced-open' | 'bulkhead' | 'throttled';

export interface ModelConfig {
  readonly window:
    | { readonly type: 'count'; readonly size: number }
    | { readonly type: 'time'; readonly durationMs: number; readonly buckets: number };
  readonly minimumCalls: number;
  readonly failureRateThreshold: number;
  readonly slowCallRateThreshold: number;
  readonly consecutiveFailures: number | undefined;
  readonly slowCallDurationMs: number | undefined;
  /** A fixed open duration, or exponential backoff (factor 2, no jitter). */
  readonly openDuration: number | { readonly initialMs: number; readonly maxMs: number };
  readonly halfOpenMaxCalls: number;
  readonly halfOpenTimeoutMs: number | undefined;
  readonly isFailure: ((error: unknown) => boolean) | undefined;
  readonly maxConcurrent: number | undefined;
}

export type ModelSnapshot =
  | { version: 1; state: 'closed' | 'forced-open' | 'disabled' }
  | { version: 1; state: 'open'; openedAt: number; openUntil: number; attempt: number };

export type ModelAdmission =
  | { admitted: true; permit: number }
  | { admitted: false; reason: ModelRefusal; retryAfterMs: number | undefined };

export type ModelOutcome =
  | { kind: 'success'; durationMs?: number | undefined }
  | { kind: 'failure'; error: unknown; durationMs?: number | undefined }
  | { kind: 'ignore' };

/** What the model predicts `stats()` returns, name aside. */
export type ModelStats = Omit<BreakerStats, 'name' | 'state'> & { state: ModelState };

type Circuit =
  | { state: 'closed' | 'disabled' | 'forced-open' }
  | { state: 'open'; openedAt: number; until: number; attempt: number }
  | { state: 'half-open'; attempt: number; trialTimeout: number; succeeded: number };

interface ModelPermit {
  /** The epoch the permit was admitted in; a permit from an earlier epoch is stale. */
  readonly epoch: number;
  readonly admittedAt: number;
  settled: boolean;
}

interface Outcome {
  readonly failed: boolean;
  readonly slow: boolean;
  /** The time slice it was recorded in (time windows only). */
  readonly slice: number;
}

export class ReferenceModel {
  readonly config: ModelConfig;
  now: number;
  #circuit: Circuit;
  #epoch = 0;
  readonly #permits: ModelPermit[] = [];
  /** Everything recorded since the window was last emptied; the window is a view of it. */
  #outcomes: Outcome[] = [];
  /** The latest time slice a record or stats() has seen (time windows only). */
  #latestSlice = Number.NEGATIVE_INFINITY;
  #consecutive = 0;
  readonly #totals = { successes: 0, failures: 0, ignored: 0, rejected: 0, slowCalls: 0 };

  constructor(config: ModelConfig, now: number, initialState?: ModelSnapshot) {
    this.config = config;
    this.now = now;
    if (initialState === undefined) this.#circuit = { state: 'closed' };
    else if (initialState.state === 'open') {
      this.#circuit = {
        state: 'open',
        openedAt: initialState.openedAt,
        until: initialState.openUntil,
        attempt: initialState.attempt,
      };
    } else this.#circuit = { state: initialState.state };
  }

  get state(): ModelState {
    return this.#circuit.state;
  }

  /** Permits handed out so far (settled or not), indexed from 0 in order of admission. */
  get permitCount(): number {
    return this.#permits.length;
  }

  /** The indexes of the permits not yet settled. */
  unsettled(): number[] {
    const indexes: number[] = [];
    this.#permits.forEach((p, i) => {
      if (!p.settled) indexes.push(i);
    });
    return indexes;
  }

  /** Permits admitted and not yet settled, stale or not. */
  get inFlight(): number {
    return this.#inFlight();
  }

  /**
   * The times ahead at which something would change: the end of the open period, the expiry of
   * each in-flight trial, the moment an in-flight call becomes slow, the next time-window slice
   * and the ageing out of the oldest one in the window. For tests that want to land on them.
   */
  deadlines(): number[] {
    const times: number[] = [];
    const circuit = this.#circuit;
    if (circuit.state === 'open') times.push(circuit.until);
    if (circuit.state === 'half-open') {
      for (const p of this.#trialsInFlight()) times.push(p.admittedAt + circuit.trialTimeout);
    }
    const slow = this.config.slowCallDurationMs;
    if (slow !== undefined) {
      for (const p of this.#permits) if (!p.settled) times.push(p.admittedAt + slow);
    }
    const w = this.config.window;
    if (w.type === 'time') {
      const width = w.durationMs / w.buckets;
      times.push((Math.floor(this.now / width) + 1) * width);
      const oldest = Math.min(...this.#windowOutcomes().map((o) => o.slice));
      if (Number.isFinite(oldest)) times.push((oldest + w.buckets) * width);
    }
    return times.filter((t) => t >= this.now).sort((a, b) => a - b);
  }

  advance(ms: number): void {
    this.now += ms;
  }

  // --- commands ------------------------------------------------------------------------------

  tryAcquire(): ModelAdmission {
    let circuit = this.#circuit;
    switch (circuit.state) {
      case 'forced-open':
        return this.#refuse('forced-open');
      case 'open':
        if (this.now < circuit.until) return this.#refuse('open');
        circuit = {
          state: 'half-open',
          attempt: circuit.attempt,
          trialTimeout: this.config.halfOpenTimeoutMs ?? circuit.until - circuit.openedAt,
          succeeded: 0,
        };
        this.#enter(circuit);
        break;
      default:
        break;
    }
    if (circuit.state === 'half-open') {
      if (this.#anyTrialExpired()) {
        this.#reopen(circuit.attempt + 1);
        return this.#refuse('open');
      }
      if (this.#trialsInFlight().length + circuit.succeeded >= this.config.halfOpenMaxCalls) {
        return this.#refuse('half-open-full');
      }
    }
    // The circuit admits; the bulkhead has the last word. Its refusal leaves no trace.
    const max = this.config.maxConcurrent;
    if (max !== undefined && this.#inFlight() >= max) return this.#refuse('bulkhead');
    this.#permits.push({ epoch: this.#epoch, admittedAt: this.now, settled: false });
    return { admitted: true, permit: this.#permits.length - 1 };
  }

  settle(index: number, outcome: ModelOutcome): void {
    const permit = this.#permits[index];
    if (permit === undefined) throw new RangeError(`no permit ${index}`);
    if (permit.settled) return;
    // Judged before the permit leaves the in-flight set: a trial that expired counts, even the
    // one being settled.
    const expired = this.#circuit.state === 'half-open' && this.#anyTrialExpired();
    permit.settled = true;

    let kind = outcome.kind;
    if (outcome.kind === 'failure' && this.config.isFailure?.(outcome.error) === false) {
      kind = 'ignore';
    }
    let slow = false;
    if (kind === 'ignore') {
      this.#totals.ignored++;
    } else {
      const explicit = outcome.kind === 'ignore' ? undefined : outcome.durationMs;
      const duration =
        typeof explicit === 'number' && Number.isFinite(explicit) && explicit >= 0
          ? explicit
          : this.now - permit.admittedAt;
      const threshold = this.config.slowCallDurationMs;
      slow = threshold !== undefined && duration >= threshold;
      if (slow) this.#totals.slowCalls++;
      if (kind === 'success') this.#totals.successes++;
      else this.#totals.failures++;
    }

    if (permit.epoch !== this.#epoch) return; // stale: counted in totals only

    const circuit = this.#circuit;
    switch (circuit.state) {
      case 'half-open':
        if (expired) {
          this.#reopen(circuit.attempt + 1);
        } else if (kind === 'success') {
          circuit.succeeded++;
          if (circuit.succeeded >= this.config.halfOpenMaxCalls) this.#enter({ state: 'closed' });
        } else if (kind === 'failure') {
          this.#reopen(circuit.attempt + 1);
        }
        // An ignored trial just leaves the in-flight set, freeing its slot.
        return;
      case 'closed':
      case 'disabled':
        if (kind === 'ignore') return;
        if (kind === 'success') this.#consecutive = 0;
        else this.#consecutive++;
        this.#record(kind === 'failure', slow);
        if (circuit.state === 'closed') this.#tripIfDue();
        return;
      default:
        // open and forced-open admit nothing, so no permit of their epoch exists.
        throw new Error(`a current permit settled in state ${circuit.state}`);
    }
  }

  isolate(): void {
    this.#enter({ state: 'forced-open' });
  }

  disable(): void {
    this.#enter({ state: 'disabled' });
  }

  reset(): void {
    this.#enter({ state: 'closed' });
  }

  stats(): ModelStats {
    this.#see(this.now);
    const { calls, failures, slowCalls } = this.#windowCounts();
    const circuit = this.#circuit;
    const inFlight = this.#inFlight();
    return {
      state: circuit.state,
      failureRate: calls === 0 ? 0 : (failures / calls) * 100,
      slowCallRate: calls === 0 ? 0 : (slowCalls / calls) * 100,
      calls,
      failures,
      slowCalls,
      consecutiveFailures: this.#consecutive,
      inFlight,
      openedAt: circuit.state === 'open' ? circuit.openedAt : undefined,
      retryAfterMs: circuit.state === 'open' ? Math.max(0, circuit.until - this.now) : undefined,
      bulkhead:
        this.config.maxConcurrent === undefined
          ? undefined
          : { active: inFlight, queued: 0, lingering: 0 },
      // Permits are never cancelled before admission: only execute() and acquire() wait.
      totals: { ...this.#totals, timeouts: 0, cancelled: 0, fallbacks: 0 },
    };
  }

  toJSON(): ModelSnapshot {
    const circuit = this.#circuit;
    switch (circuit.state) {
      case 'open':
        return {
          version: 1,
          state: 'open',
          openedAt: circuit.openedAt,
          openUntil: circuit.until,
          attempt: circuit.attempt,
        };
      case 'half-open':
        return {
          version: 1,
          state: 'open',
          openedAt: this.now - circuit.trialTimeout,
          openUntil: this.now,
          attempt: circuit.attempt,
        };
      default:
        return { version: 1, state: circuit.state };
    }
  }

  // --- internals -----------------------------------------------------------------------------

  #refuse(reason: ModelRefusal): ModelAdmission {
    this.#totals.rejected++;
    const circuit = this.#circuit;
    const retryAfterMs =
      reason === 'open' && circuit.state === 'open'
        ? Math.max(0, Math.ceil(circuit.until - this.now))
        : undefined;
    return { admitted: false, reason, retryAfterMs };
  }

  /** Every state change, and every reset/isolate/disable, starts a new epoch. */
  #enter(circuit: Circuit): void {
    this.#circuit = circuit;
    this.#epoch++;
    if (circuit.state === 'closed' || circuit.state === 'disabled') {
      this.#outcomes = [];
      this.#consecutive = 0;
    }
  }

  #reopen(attempt: number): void {
    this.#enter({
      state: 'open',
      openedAt: this.now,
      until: this.now + this.#openDuration(attempt),
      attempt,
    });
  }

  #openDuration(attempt: number): number {
    const d = this.config.openDuration;
    if (typeof d === 'number') return d;
    let ms = d.initialMs;
    for (let i = 1; i < attempt; i++) ms *= 2;
    return Math.min(d.maxMs, ms);
  }

  #inFlight(): number {
    return this.#permits.filter((p) => !p.settled).length;
  }

  /** In half-open, every unsettled permit of the current epoch is a trial. */
  #trialsInFlight(): ModelPermit[] {
    return this.#permits.filter((p) => !p.settled && p.epoch === this.#epoch);
  }

  #anyTrialExpired(): boolean {
    const circuit = this.#circuit;
    if (circuit.state !== 'half-open') return false;
    return this.#trialsInFlight().some((p) => this.now - p.admittedAt >= circuit.trialTimeout);
  }

  #sliceOf(t: number): number {
    const w = this.config.window;
    return w.type === 'time' ? Math.floor(t / (w.durationMs / w.buckets)) : 0;
  }

  #see(t: number): void {
    this.#latestSlice = Math.max(this.#latestSlice, this.#sliceOf(t));
  }

  #record(failed: boolean, slow: boolean): void {
    this.#see(this.now);
    this.#outcomes.push({ failed, slow, slice: this.#sliceOf(this.now) });
  }

  #windowOutcomes(): Outcome[] {
    const w = this.config.window;
    if (w.type === 'count') return this.#outcomes.slice(-w.size);
    return this.#outcomes.filter((o) => o.slice > this.#latestSlice - w.buckets);
  }

  #windowCounts(): { calls: number; failures: number; slowCalls: number } {
    const outcomes = this.#windowOutcomes();
    return {
      calls: outcomes.length,
      failures: outcomes.filter((o) => o.failed).length,
      slowCalls: outcomes.filter((o) => o.slow).length,
    };
  }

  #tripIfDue(): void {
    const { calls, failures, slowCalls } = this.#windowCounts();
    const c = this.config;
    const effectiveMin =
      c.window.type === 'count' ? Math.min(c.minimumCalls, c.window.size) : c.minimumCalls;
    const enough = calls >= effectiveMin;
    const due =
      (enough && failures * 100 >= c.failureRateThreshold * calls) ||
      (enough && slowCalls * 100 >= c.slowCallRateThreshold * calls) ||
      (c.consecutiveFailures !== undefined && this.#consecutive >= c.consecutiveFailures);
    if (due) this.#reopen(1);
  }
}
