// Type tests, checked by `tsc` in the typecheck task: expectTypeOf fails compilation on a mismatch.
import axios, { Axios, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { expectTypeOf } from 'vitest';
import {
  type AxiosOutcome,
  attachBreaker,
  type BulkheadFullError,
  type CircuitOpenError,
} from './index.ts';

const api = axios.create({ breaker: false });
expectTypeOf(attachBreaker(api)).toEqualTypeOf<() => void>();

// axios itself, an instance from axios.create(), a new Axios(): nothing else.
attachBreaker(axios);
attachBreaker(new Axios({}));
// @ts-expect-error not an axios instance
attachBreaker('not an axios instance');
// @ts-expect-error not an axios instance
attachBreaker({ get: () => undefined });

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
    // undefined: around the breaker.
    return config.url;
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

// fallback receives the refusal and the config, and answers with axios's own response type.
attachBreaker(api, {
  fallback: (error, config) => {
    expectTypeOf(error).toEqualTypeOf<CircuitOpenError | BulkheadFullError>();
    expectTypeOf(config).toEqualTypeOf<InternalAxiosRequestConfig>();
    return { data: { cached: true }, status: 200, statusText: 'OK', headers: {}, config };
  },
});
attachBreaker(api, {
  fallback: async (error) => {
    if (error.code === 'ERR_BULKHEAD_FULL') throw error;
    return api.get('/stale-copy');
  },
});
// @ts-expect-error the answer is a response, not its data
attachBreaker(api, { fallback: () => ({ cached: true }) });
