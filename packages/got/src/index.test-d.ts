// Type tests, checked by `tsc` in the typecheck task: expectTypeOf fails compilation on a mismatch.
// The typecheck task also compiles src against got 15's own types (tsconfig.got15.json).
import got, {
  type ExtendOptions,
  type NormalizedOptions,
  type PlainResponse,
  type RequestError,
  type Response,
} from 'got';
import { expectTypeOf } from 'vitest';
import {
  type BreakerHooks,
  type BulkheadFullError,
  breakerHooks,
  type CircuitOpenError,
  type GotFallbackResponse,
  type GotOutcome,
} from './index.ts';

const hooks = breakerHooks();
expectTypeOf(hooks).toEqualTypeOf<BreakerHooks>();
expectTypeOf(hooks).toExtend<ExtendOptions>();

const client = got.extend({ prefixUrl: 'https://api.example' }, hooks);
// A request goes around the breaker with `context: { breaker: false }`, in got's own types.
void client.get('health', { context: { breaker: false } });
void client.stream('health', { context: { breaker: false } });

// The hooks can be spread into a hand-made extend, to place neighbours around them.
got.extend({
  ...hooks,
  hooks: { ...hooks.hooks, beforeRequest: [...hooks.hooks.beforeRequest, () => {}] },
});

breakerHooks({
  key: (options) => {
    expectTypeOf(options).toEqualTypeOf<NormalizedOptions>();
    return options.url?.host;
  },
  isFailure: (outcome) => {
    expectTypeOf(outcome).toEqualTypeOf<GotOutcome>();
    expectTypeOf(outcome.response).toEqualTypeOf<PlainResponse | undefined>();
    expectTypeOf(outcome.error).toEqualTypeOf<RequestError | undefined>();
    return outcome.response === undefined || outcome.response.statusCode >= 500;
  },
  failureRateThreshold: 50,
  maxRetryAfterMs: 60_000,
});

// @ts-expect-error timeouts belong to got (`timeout`), not to the breaker.
breakerHooks({ timeoutMs: 1_000 });
// @ts-expect-error a key names a breaker: a string.
breakerHooks({ key: () => 42 });

// fallback receives the refusal and the attempt's options, and answers with a response as data,
// or a got Response kept from an earlier request.
breakerHooks({
  fallback: (error, options) => {
    expectTypeOf(error).toEqualTypeOf<CircuitOpenError | BulkheadFullError>();
    expectTypeOf(options).toEqualTypeOf<NormalizedOptions>();
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
  },
});
declare const kept: Response<unknown>;
breakerHooks({ fallback: async () => kept });
expectTypeOf<GotFallbackResponse>().toExtend<object>();
// @ts-expect-error the body is text or bytes, not an object
breakerHooks({ fallback: () => ({ statusCode: 200, body: { cached: true } }) });
