// Type tests, checked by `tsc` against undici 8 (tsconfig.json) and undici 7
// (tsconfig.undici7.json): the interceptor fits both majors' Dispatcher.compose.
import { Agent, type Dispatcher, fetch, interceptors } from 'undici';
import { expectTypeOf } from 'vitest';
import { breakerInterceptor, type UndiciOutcome, type UndiciResponse } from './index.ts';

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
