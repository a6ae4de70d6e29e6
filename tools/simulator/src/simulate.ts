import { AnswerQueue } from './answer-queue.ts';
import { type Capacity, CapacityGate } from './capacity.ts';
import { flushMicrotasks } from './flush.ts';
import { randomFor } from './random.ts';
import { down, type Response, type Service } from './service.ts';
import type { Subject, SubjectFactory } from './subject.ts';
import type { BreakerState, Trace, Transition } from './trace.ts';

/** One simulated run: steady traffic into a service model. */
export interface Run {
  /** Calls issued per second: one every `1000 / rate` ms, from time 0. */
  readonly rate: number;
  /** Calls are issued while the virtual time is below this, in milliseconds. */
  readonly durationMs: number;
  /** What the service answers to each call it receives. */
  readonly service: Service;
  /** Seeds the service's chance, per call (see {@link randomFor}). */
  readonly seed: number;
  /**
   * What the service can answer; a call beyond it fails fast, as {@link down} does, and is
   * marked in the trace's `overloaded`. Without it, the service answers everything it receives.
   */
  readonly capacity?: Capacity;
}

/**
 * Runs `run` against a fresh synchronous subject and returns what happened. Throws a TypeError
 * for an asynchronous subject: use {@link simulateAsync}.
 *
 * Time moves from event to event: a call issued, an answer arriving. At a given millisecond the
 * answers arrive before the next call is issued, so that call meets the state they lead to.
 *
 * @example
 * ```ts
 * const trace = simulate(factory, { rate: 100, durationMs: 60_000, service: flaky(0.05), seed: 1 });
 * ```
 */
export function simulate(factory: SubjectFactory, run: Run): Trace {
  const simulation = new Simulation(factory, run);
  try {
    if (simulation.subject.mode !== 'sync') {
      throw new TypeError('simulate() drives synchronous subjects only; use simulateAsync()');
    }
    for (const _ of simulation.steps()) {
      // A synchronous subject has nothing to flush between events.
    }
  } finally {
    simulation.subject.dispose?.();
  }
  return simulation.trace;
}

/**
 * Runs `run` against a fresh subject of either kind. For an asynchronous subject, every promise
 * reaction is flushed after each event (on the real event loop), and its fake time is moved to
 * each event's time before the event.
 */
export async function simulateAsync(factory: SubjectFactory, run: Run): Promise<Trace> {
  const simulation = new Simulation(factory, run);
  const flush = simulation.subject.mode === 'async';
  try {
    for (const _ of simulation.steps()) if (flush) await flushMicrotasks();
  } finally {
    simulation.subject.dispose?.();
  }
  return simulation.trace;
}

const states: ReadonlySet<string> = new Set<BreakerState>(['closed', 'open', 'half-open']);

interface MutableTrace extends Trace {
  readonly transitions: Transition[];
}

/** The state of one run; {@link Simulation.steps} yields wherever promises must be flushed. */
class Simulation {
  readonly trace: MutableTrace;
  readonly subject: Subject;
  readonly #run: Run;
  readonly #queue: AnswerQueue;
  /** What to do when a sent call's answer arrives, by call number. */
  readonly #deliver: ((() => void) | undefined)[];
  readonly #failure = new Error('the service failed');
  readonly #capacity: CapacityGate | undefined;
  /** A misuse found inside a breaker's promise, where throwing would go unseen. */
  #fault: Error | undefined;
  #now = 0;

  constructor(factory: SubjectFactory, run: Run) {
    const { rate, durationMs } = run;
    if (!(Number.isFinite(rate) && rate > 0)) {
      throw new RangeError(`rate: expected calls per second > 0, got ${rate}`);
    }
    if (!(Number.isFinite(durationMs) && durationMs > 0)) {
      throw new RangeError(`durationMs: expected milliseconds > 0, got ${durationMs}`);
    }
    const intervalMs = 1000 / rate;
    const calls = Math.ceil(durationMs / intervalMs);
    const start = new Float64Array(calls);
    for (let i = 0; i < calls; i++) start[i] = i * intervalMs;
    const end = new Float64Array(calls).fill(Number.NaN);
    this.trace = {
      rate,
      intervalMs,
      durationMs,
      calls,
      start,
      sentAt: new Float64Array(calls).fill(Number.NaN),
      refusedAt: new Float64Array(calls).fill(Number.NaN),
      end,
      ok: new Uint8Array(calls),
      overloaded: new Uint8Array(calls),
      seen: new Int32Array(calls),
      transitions: [],
    };
    this.#run = run;
    this.#capacity = run.capacity === undefined ? undefined : new CapacityGate(run.capacity);
    this.#queue = new AnswerQueue(end, calls);
    this.#deliver = new Array<(() => void) | undefined>(calls);
    const transitions = this.trace.transitions;
    this.subject = factory({
      now: () => this.#now,
      transition: (to, at = this.#now) => {
        if (!states.has(to)) throw new TypeError(`transition(): unknown state ${String(to)}`);
        transitions.push({ at, to });
      },
    });
  }

  /** Processes every event in time order; yields after each group of events. */
  *steps(): Generator<void, void, void> {
    const { calls, start } = this.trace;
    const queue = this.#queue;
    const subject = this.subject;
    let next = 0;
    while (true) {
      const nextStart = next < calls ? (start[next] as number) : Number.POSITIVE_INFINITY;
      const nextAnswer = queue.peekTime();
      const time = Math.min(nextStart, nextAnswer);
      if (time === Number.POSITIVE_INFINITY) return;
      if (subject.mode === 'async') subject.advanceTo?.(time);
      this.#now = time;
      if (nextAnswer === time) {
        while (queue.peekTime() === time) {
          const call = queue.pop();
          const deliver = this.#deliver[call] as () => void;
          this.#deliver[call] = undefined;
          deliver();
        }
        yield;
        this.#check();
      }
      if (nextStart === time) {
        this.#issue(next++);
        yield;
        this.#check();
      }
    }
  }

  #check(): void {
    if (this.#fault !== undefined) throw this.#fault;
  }

  #issue(call: number): void {
    const subject = this.subject;
    if (subject.mode === 'sync') {
      const settle = subject.admit();
      if (settle === null) {
        this.#refuse(call);
        return;
      }
      const response = this.#send(call);
      this.#deliver[call] = () => settle(response);
      return;
    }
    let sent = false;
    const send = (): Promise<void> => {
      if (sent) {
        this.#fault ??= new Error(`call ${call} was sent twice`);
        throw this.#fault;
      }
      sent = true;
      const response = this.#send(call);
      return new Promise<void>((resolve, reject) => {
        this.#deliver[call] = response.ok ? resolve : () => reject(this.#failure);
      });
    };
    const settled = (): void => {
      if (!sent) this.#refuse(call);
    };
    subject.call(send).then(settled, settled);
  }

  #send(call: number): Response {
    const now = this.#now;
    const random = randomFor(this.#run.seed, call);
    const trace = this.trace;
    let response: Response;
    if (this.#capacity === undefined || this.#capacity.take(now)) {
      response = this.#run.service(now, random);
    } else {
      response = down(now, random);
      trace.overloaded[call] = 1;
    }
    const latency = response.latencyMs;
    if (!(Number.isFinite(latency) && latency >= 0)) {
      throw new RangeError(`the service answered with a latency of ${latency} ms`);
    }
    trace.sentAt[call] = now;
    trace.seen[call] = trace.transitions.length;
    trace.ok[call] = response.ok ? 1 : 0;
    trace.end[call] = now + latency;
    this.#queue.push(call);
    return response;
  }

  #refuse(call: number): void {
    const trace = this.trace;
    trace.refusedAt[call] = this.#now;
    trace.seen[call] = trace.transitions.length;
  }
}
