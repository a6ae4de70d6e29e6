// Type tests, checked by `tsc` in the typecheck task: expectTypeOf fails compilation on a mismatch.
import { expectTypeOf } from 'vitest';
import {
  type BulkheadFullError,
  type CircuitOpenError,
  type FetchOutcome,
  withBreaker,
} from './index.ts';

// The wrapper has fetch's exact type: a drop-in replacement.
const guarded = withBreaker(fetch);
expectTypeOf(guarded).toEqualTypeOf<typeof fetch>();
expectTypeOf(guarded('https://api.example')).toEqualTypeOf<Promise<Response>>();

// `breaker: false` is part of RequestInit, for every call's init.
void guarded('https://api.example/health', { breaker: false });
// @ts-expect-error only `false` means something; a breaker is on by default.
void guarded('https://api.example/health', { breaker: true });

withBreaker(fetch, {
  key: (request) => {
    expectTypeOf(request).toEqualTypeOf<Request>();
    return new URL(request.url).pathname === '/health' ? undefined : request.url;
  },
  isFailure: (outcome) => {
    expectTypeOf(outcome).toEqualTypeOf<FetchOutcome>();
    expectTypeOf(outcome.response).toEqualTypeOf<Response | undefined>();
    return outcome.response === undefined;
  },
  failureRateThreshold: 50,
  maxRetryAfterMs: 60_000,
});

// @ts-expect-error timeouts belong to the caller (`signal: AbortSignal.timeout(ms)`).
withBreaker(fetch, { timeoutMs: 1_000 });
// @ts-expect-error a key names a breaker: a string.
withBreaker(fetch, { key: () => 42 });

// fallback receives the refusal and a Request, and answers with a Response.
withBreaker(fetch, {
  fallback: (error, request) => {
    expectTypeOf(error).toEqualTypeOf<CircuitOpenError | BulkheadFullError>();
    expectTypeOf(request).toEqualTypeOf<Request>();
    return Response.json({ cached: true });
  },
});
withBreaker(fetch, { fallback: async (error) => Promise.reject(error) });
// @ts-expect-error the answer is a Response, not its body
withBreaker(fetch, { fallback: () => ({ cached: true }) });
