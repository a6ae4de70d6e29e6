// Type tests, checked by `tsc` in the typecheck task: expectTypeOf fails compilation on a mismatch.
import { expectTypeOf } from 'vitest';
import {
  type BreakerEvents,
  BreakerRegistry,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitOpenError,
  type CircuitState,
  isCircuitOpenError,
  type LateSettlementCause,
  type Permit,
  validateBreakerOptions,
} from './index.ts';

const breaker = new CircuitBreaker();

// wrap keeps the parameters and resolves to the awaited return type.
const getUser = breaker.wrap(async (id: string, verbose?: boolean) => ({ id, verbose }));
expectTypeOf(getUser).parameters.toEqualTypeOf<[id: string, verbose?: boolean | undefined]>();
expectTypeOf(getUser).returns.toEqualTypeOf<
  Promise<{ id: string; verbose: boolean | undefined }>
>();
const syncAdd = breaker.wrap((a: number, b: number) => a + b);
expectTypeOf(syncAdd).toEqualTypeOf<(a: number, b: number) => Promise<number>>();

// execute passes an AbortSignal and resolves to what the function returns.
expectTypeOf(breaker.execute).parameter(0).parameter(0).toEqualTypeOf<AbortSignal>();
expectTypeOf(breaker.execute(async () => 42)).toEqualTypeOf<Promise<number>>();
expectTypeOf(breaker.execute(() => 'sync')).toEqualTypeOf<Promise<string>>();

// A fallback widens the result type by what it returns.
const withFallback = new CircuitBreaker({ fallback: () => null });
expectTypeOf(withFallback.execute(async () => 42)).toEqualTypeOf<Promise<number | null>>();
expectTypeOf(withFallback.wrap((id: string) => id)).returns.toEqualTypeOf<Promise<string | null>>();
const asyncFallback = new CircuitBreaker({ fallback: async () => 'cached' as const });
expectTypeOf(asyncFallback.execute(async () => 1)).toEqualTypeOf<Promise<number | 'cached'>>();

// The permit primitive.
expectTypeOf(breaker.tryAcquire()).toEqualTypeOf<Permit | null>();
expectTypeOf(breaker.acquire()).toEqualTypeOf<Promise<Permit>>();
// failure() says whether the call counted as a failure or was ignored.
expectTypeOf<Permit['failure']>().returns.toEqualTypeOf<boolean>();
expectTypeOf<Permit['success']>().returns.toEqualTypeOf<void>();
expectTypeOf(breaker.state).toEqualTypeOf<CircuitState>();

// Event payloads are typed by event name.
breaker.on('stateChange', (event) => {
  expectTypeOf(event).toEqualTypeOf<BreakerEvents['stateChange']>();
  expectTypeOf(event.to).toEqualTypeOf<CircuitState>();
});
expectTypeOf(breaker.on('success', () => {})).toEqualTypeOf<() => void>();
breaker.on('cancelled', (event) => {
  expectTypeOf(event).toEqualTypeOf<{ name: string; queued: boolean; error: unknown }>();
});
breaker.on('settledLate', (event) => {
  expectTypeOf(event.cause).toEqualTypeOf<LateSettlementCause>();
  expectTypeOf(event.lateByMs).toEqualTypeOf<number>();
});

// Stats: every exclusive total, and the bulkhead's lingering slots.
expectTypeOf(breaker.stats().totals.cancelled).toEqualTypeOf<number>();
expectTypeOf(breaker.stats().bulkhead).toEqualTypeOf<
  { active: number; queued: number; lingering: number } | undefined
>();

// A clock may tell wall-clock time apart; a signal may be given as undefined.
new CircuitBreaker({ clock: { now: () => 0, wallNow: () => Date.now() } });
expectTypeOf(breaker.execute(() => 1, { signal: undefined })).resolves.toEqualTypeOf<number>();
// @ts-expect-error: not an event
breaker.on('nope', () => {});
// @ts-expect-error: not an option
new CircuitBreaker({ failureThreshold: 5 });
// @ts-expect-error: the window type decides its fields
new CircuitBreaker({ window: { type: 'count', durationMs: 5 } });

// Guards narrow.
const caught: unknown = undefined;
if (isCircuitOpenError(caught)) expectTypeOf(caught).toEqualTypeOf<CircuitOpenError>();

// Registry breakers keep the fallback type given at get().
const registry = new BreakerRegistry({ defaults: { timeoutMs: 1_000 } });
expectTypeOf(registry.get('a')).toEqualTypeOf<CircuitBreaker<never>>();
expectTypeOf(registry.get('b', { fallback: () => 0 }).execute(async () => 'x')).toEqualTypeOf<
  Promise<string | number>
>();
// @ts-expect-error: a registry-wide fallback would lie about every breaker's result type
new BreakerRegistry({ defaults: { fallback: () => 0 } });

// A fallback may type the wrapped function's arguments it receives.
const typedFallback = new CircuitBreaker({ fallback: (_error, sku: string) => sku.length });
expectTypeOf(typedFallback.wrap((sku: string) => sku)).returns.toEqualTypeOf<
  Promise<string | number>
>();

// validateBreakerOptions narrows what it checked to breaker options.
const loaded: unknown = JSON.parse('{}');
validateBreakerOptions(loaded);
expectTypeOf(loaded).toEqualTypeOf<CircuitBreakerOptions<unknown> | undefined>();

// Every option may be given as undefined (a value read from a file or a store, say), under
// exactOptionalPropertyTypes too: undefined means the default.
declare const saved: import('./index.ts').BreakerSnapshot | undefined;
declare const threshold: number | undefined;
new CircuitBreaker({ initialState: saved, failureRateThreshold: threshold, store: undefined });
