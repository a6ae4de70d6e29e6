import type { StatusObject } from '@grpc/grpc-js';
import {
  type BreakerRegistry,
  type BulkheadOptions,
  type CircuitBreaker,
  InvalidOptionError,
  isInvalidOptionError,
  type RegistryBreakerOptions,
} from '@tripswitch/core';
import { defaultMaxRetryAfterMs } from '@tripswitch/core/http';
import { checkedKey, keyedBreakers, optionNamesChecker } from '@tripswitch/core/internal';
import type { StatusRule } from './judge-status.ts';
import { serviceOf } from './service-key.ts';

/**
 * A bulkhead for gRPC calls: at most `maxConcurrent` calls of one breaker in flight. A call over
 * the limit is refused at once with `UNAVAILABLE`; it never waits for a slot (`maxQueue` is 0), as
 * a wait here would be hidden from the call's deadline.
 */
export interface GrpcBulkheadOptions extends Pick<BulkheadOptions, 'maxConcurrent'> {
  /** Calls do not queue: 0, or leave it out. */
  maxQueue?: 0;
}

/**
 * The breaker options the interceptor applies to each breaker it creates: those of a registry's
 * breakers, except what means nothing for a gRPC call — `timeoutMs` (a call's `deadline` is its
 * timeout), `isResultFailure` (a call is judged by its status), and a bulkhead queue.
 */
export type ServiceBreakerOptions = Omit<
  RegistryBreakerOptions,
  'isFailure' | 'isResultFailure' | 'timeoutMs' | 'bulkhead'
> & {
  /**
   * Limits the calls of one breaker in flight at once; see {@link GrpcBulkheadOptions}.
   * @defaultValue no limit
   */
  bulkhead?: GrpcBulkheadOptions | undefined;
};

/**
 * Options of `breakerInterceptor()`: breaker options applied to each breaker (see
 * `@tripswitch/core`), plus how calls are keyed and judged. Every option is checked when the
 * interceptor is made; a bad one throws `InvalidOptionError` naming it.
 */
export interface GrpcBreakerOptions extends ServiceBreakerOptions {
  /**
   * The key, and name, of the breaker a call goes through, from the call's method path
   * (`/package.Service/Method`). Return `undefined` to send the call around the breaker. A key
   * that throws, or returns something else than a non-empty string, ends the call with `INTERNAL`.
   * @defaultValue the service: the path up to its last `/`, such as `/shop.Inventory`
   */
  key?: ((methodPath: string) => string | undefined) | undefined;
  /**
   * The most breakers the interceptor keeps (without `registry`, whose own `maxBreakers`
   * applies), so keys built from many method paths cannot grow memory. When a new key would
   * exceed it, a closed breaker makes way — healthy idle ones first; an open one never does —
   * and when every breaker is open, the new key's calls go through unguarded, counted in the
   * registry's overflows.
   * @defaultValue 1000
   */
  maxKeys?: number | undefined;
  /**
   * A registry to keep the breakers in, to share them with other clients or show them on a health
   * endpoint or dashboard. The breaker options apply to breakers this interceptor creates in it.
   * @defaultValue a registry of the interceptor's own
   */
  registry?: BreakerRegistry | undefined;
  /**
   * Whether a call that its caller did not cancel failed, from its final status (`code`,
   * `details`, trailing `metadata`), replacing the default rule: `UNAVAILABLE`,
   * `DEADLINE_EXCEEDED`, `RESOURCE_EXHAUSTED`, `INTERNAL`, `UNKNOWN`, `DATA_LOSS` and a `CANCELLED`
   * the caller did not ask for are failures; every other status, `OK` included, is a success. A
   * rule that throws counts a failure (and logs the error). It is not asked about a call grpc-js
   * ended on the client for the caller's own fault (a request it could not serialize or over the
   * client's send limit, the client closed before the call was sent): those are ignored.
   * @defaultValue the rule above
   */
  isFailure?: ((status: StatusObject) => boolean) | undefined;
  /**
   * The longest `grpc-retry-pushback-ms` a failing answer can hold the circuit open for, in
   * milliseconds; a longer one is cut to it, so a misbehaving server cannot hold a circuit open
   * for days. 0 ignores pushback.
   * @defaultValue 600_000 (10 minutes), as `Retry-After` is for the HTTP clients
   */
  maxPushbackMs?: number | undefined;
}

/** @internal What the interceptor reads per call: the options resolved and checked. */
export interface InterceptorSettings extends StatusRule {
  /** The breaker for a method path, or undefined to send the call around the breakers. */
  breakerFor(methodPath: string): CircuitBreaker | undefined;
}

// The options the interceptor takes, its own then the breaker options it passes on; those that
// mean nothing for a gRPC client are refused with the reason and what to use instead.
const checkOptionNames = optionNamesChecker({
  own: ['key', 'maxKeys', 'registry', 'isFailure', 'maxPushbackMs'],
  meaningless: {
    timeoutMs:
      'nothing here: give each call a deadline (the call option `deadline`); grpc-js ends a call past it with DEADLINE_EXCEEDED, which counts as a failure',
    isResultFailure: 'nothing here: a call is judged by its final status; use isFailure(status)',
    fallback:
      'nothing here: an interceptor cannot answer in the service’s place; handle the UNAVAILABLE status where the call is made',
    name: 'nothing here: each breaker is named by its key, the service (/package.Service) or what key(methodPath) returns',
    maxBreakers: 'nothing here: the interceptor’s bound is maxKeys',
    maxRetryAfterMs: 'nothing here: a gRPC server’s pause is capped by maxPushbackMs',
  },
});

/** @internal Applies the defaults to `options` and checks every one of them. */
export function resolveGrpcOptions(options: unknown): InterceptorSettings {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, 'an object of breaker options');
  }
  const o = options as Record<string, unknown>;
  checkOptionNames(o);
  const { key, maxKeys, registry, isFailure, maxPushbackMs, ...breaker } = o;
  if (key !== undefined && typeof key !== 'function') {
    throw new InvalidOptionError(
      'key',
      key,
      'a function from a method path to a string (or undefined to go around the breaker)',
    );
  }
  if (isFailure !== undefined && typeof isFailure !== 'function') {
    throw new InvalidOptionError('isFailure', isFailure, 'a function from a status to a boolean');
  }
  const pushbackCap = maxPushbackMs ?? defaultMaxRetryAfterMs;
  if (!(typeof pushbackCap === 'number' && Number.isFinite(pushbackCap) && pushbackCap >= 0)) {
    throw new InvalidOptionError(
      'maxPushbackMs',
      maxPushbackMs,
      'a finite number of milliseconds >= 0 (0 ignores pushback)',
    );
  }
  checkBulkhead(breaker.bulkhead);
  return {
    breakerFor: serviceBreakers(key as GrpcBreakerOptions['key'], maxKeys, registry, breaker),
    isFailure: isFailure as StatusRule['isFailure'],
    maxPushbackMs: pushbackCap,
  };
}

function serviceBreakers(
  key: GrpcBreakerOptions['key'],
  maxKeys: unknown,
  registry: unknown,
  breaker: RegistryBreakerOptions,
): (methodPath: string) => CircuitBreaker | undefined {
  if (maxKeys !== undefined && registry !== undefined) {
    throw new InvalidOptionError(
      'maxKeys',
      maxKeys,
      "nothing alongside registry: set the registry's own maxBreakers",
    );
  }
  let breakers: (key: string) => CircuitBreaker;
  try {
    breakers = keyedBreakers({
      registry: registry as BreakerRegistry | undefined,
      maxBreakers: maxKeys as number | undefined,
      breaker,
    });
  } catch (error) {
    // The registry's bound is this interceptor's maxKeys: name it as the user wrote it.
    if (isInvalidOptionError(error) && error.option === 'maxBreakers') {
      throw new InvalidOptionError('maxKeys', maxKeys, error.expected, undefined, { cause: error });
    }
    throw error;
  }
  const keyOf = key === undefined ? serviceOf : checkedKey(key);
  return (methodPath) => {
    const name = keyOf(methodPath);
    return name === undefined ? undefined : breakers(name);
  };
}

function checkBulkhead(bulkhead: unknown): void {
  if (typeof bulkhead !== 'object' || bulkhead === null) return; // the core checks the rest
  const { maxQueue, queueTimeoutMs } = bulkhead as Partial<BulkheadOptions>;
  if (maxQueue !== undefined && maxQueue !== 0) {
    throw new InvalidOptionError(
      'bulkhead.maxQueue',
      maxQueue,
      '0 or nothing: a gRPC call never waits for a bulkhead slot (the wait would be hidden from its deadline); a full bulkhead refuses it at once with UNAVAILABLE',
    );
  }
  if (queueTimeoutMs !== undefined) {
    throw new InvalidOptionError(
      'bulkhead.queueTimeoutMs',
      queueTimeoutMs,
      'nothing here: gRPC calls never wait in a bulkhead queue',
    );
  }
}
