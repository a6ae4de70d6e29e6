// Type tests, checked by `tsc` against undici 8 (tsconfig.json) and undici 7
// (tsconfig.undici7.json): the interceptor fits both majors' Dispatcher.compose.
import { Agent, type Dispatcher, fetch, interceptors } from 'undici';
import { expectTypeOf } from 'vitest';
import {
  type BulkheadFullError,
  breakerInterceptor,
  type CircuitOpenError,
  type FallbackResponse,
  type UndiciOutcome,
  type UndiciResponse,
} from './index.ts';

const interceptor = breakerInterceptor({
  key: (options) => {
    expectTypeOf(options).toEqualTypeOf<Dispatcher.DispatchOptions>();
    return options.path === '/health' ? undefined : String(options.origin);
  },
  isFailure: (outcome) => {
    expectTypeOf(outcome).toEqualTypeOf<UndiciOutcome>();
    expectTypeOf(outcome.response).toEqualTypeOf<UndiciResponse | undefined>();
    return outcome.response === undefined || outcome.response.statusCode >= 500;
  },
  failureRateThreshold: 50,
});
expectTypeOf(interceptor).toEqualTypeOf<Dispatcher.DispatcherComposeInterceptor>();

const dispatcher = new Agent().compose(interceptor, interceptors.retry());
expectTypeOf(dispatcher).toEqualTypeOf<Dispatcher.ComposedDispatcher>();
void fetch('https://api.example', { dispatcher });

// @ts-expect-error timeouts belong to undici (headersTimeout) or the caller's signal.
breakerInterceptor({ timeoutMs: 1_000 });

// fallback receives the refusal and the dispatch options, and answers with a response as data.
breakerInterceptor({
  fallback: (error, options) => {
    expectTypeOf(error).toEqualTypeOf<CircuitOpenError | BulkheadFullError>();
    expectTypeOf(options).toEqualTypeOf<Dispatcher.DispatchOptions>();
    const answer: FallbackResponse = {
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] },
      body: new TextEncoder().encode('{"cached":true}'),
    };
    return answer;
  },
});
breakerInterceptor({ fallback: async () => ({ statusCode: 503, body: 'busy' }) });
// @ts-expect-error a status is a number
breakerInterceptor({ fallback: () => ({ statusCode: '200' }) });
// @ts-expect-error the body is text or bytes, not an object
breakerInterceptor({ fallback: () => ({ statusCode: 200, body: { cached: true } }) });
