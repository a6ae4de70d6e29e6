import { CircuitBreaker, type CircuitBreakerOptions } from '@tripswitch/core';
import {
  type AsyncSubject,
  permitSubject,
  type Scenario,
  type SubjectContext,
  type SubjectFactory,
} from '@tripswitch/simulator';
import { installedVersion } from '../../subjects/version.ts';
import type { Contender } from '../contender.ts';

/** How the simulation drives a Tripswitch breaker. */
export type Driver = 'permit' | 'execute';

/**
 * Tripswitch with `options`, on the simulation's clock. Driven through its permit API
 * (`tryAcquire()`, `success()`, `failure()`): synchronous, nothing to flush. The `execute` driver
 * calls `execute()` instead and runs like the peers, to check that both give the same trace.
 * Options that hold state of their own (a seeded source of chance) are given as a function that
 * makes them afresh for each run.
 */
export function tripswitch(
  name: string,
  setup: string,
  options: CircuitBreakerOptions | (() => CircuitBreakerOptions) = {},
  driver: Driver = 'permit',
): Contender {
  const optionsFor = typeof options === 'function' ? options : () => options;
  return {
    name,
    library: `Tripswitch ${installedVersion('@tripswitch/core')}`,
    setup,
    halfOpenMaxCalls: optionsFor().halfOpenMaxCalls ?? 3,
    subject: (scenario) => factory(() => withScenario(optionsFor(), scenario), driver),
  };
}

/** Adds the scenario's slow-call threshold to options that do not set one. */
export function withScenario(
  options: CircuitBreakerOptions,
  scenario: Scenario<unknown>,
): CircuitBreakerOptions {
  const slowCallDurationMs = scenario.slowCallDurationMs;
  return slowCallDurationMs === undefined || options.slowCallDurationMs !== undefined
    ? options
    : { ...options, slowCallDurationMs };
}

function factory(optionsFor: () => CircuitBreakerOptions, driver: Driver): SubjectFactory {
  return (context) => {
    const breaker = new CircuitBreaker({ ...optionsFor(), clock: context });
    follow(breaker, context);
    return driver === 'permit' ? permitSubject(breaker) : executeSubject(breaker);
  };
}

function executeSubject(breaker: CircuitBreaker): AsyncSubject {
  return { mode: 'async', call: (send) => breaker.execute(send) };
}

function follow(breaker: CircuitBreaker, context: SubjectContext): void {
  breaker.on('stateChange', ({ to }) => {
    if (to === 'closed' || to === 'open' || to === 'half-open') context.transition(to);
  });
}
