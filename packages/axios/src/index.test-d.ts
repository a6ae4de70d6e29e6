// Type tests, checked by `tsc` in the typecheck task: expectTypeOf fails compilation on a mismatch.
import axios, { type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { expectTypeOf } from 'vitest';
import { type AxiosOutcome, attachBreaker } from './index.ts';

const api = axios.create({ breaker: false });
expectTypeOf(attachBreaker(api)).toEqualTypeOf<() => void>();

// `breaker: false` is part of axios's own config types, on requests and in interceptors.
void api.get('/health', { breaker: false });
// @ts-expect-error only `false` means something; a breaker is on by default.
void api.get('/health', { breaker: true });
api.interceptors.request.use((config) => {
  expectTypeOf(config.breaker).toEqualTypeOf<false | undefined>();
  return config;
});

attachBreaker(api, {
  key: (config) => {
    expectTypeOf(config).toEqualTypeOf<InternalAxiosRequestConfig>();
    return config.url ?? '';
  },
  isFailure: (outcome) => {
    expectTypeOf(outcome).toEqualTypeOf<AxiosOutcome>();
    expectTypeOf(outcome.response).toEqualTypeOf<AxiosResponse | undefined>();
    return outcome.response === undefined;
  },
  failureRateThreshold: 50,
  maxRetryAfterMs: 60_000,
});

// @ts-expect-error timeouts belong to axios (`timeout`), not to the breaker.
attachBreaker(api, { timeoutMs: 1_000 });
