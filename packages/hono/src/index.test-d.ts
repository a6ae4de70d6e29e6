// Type tests, checked by `tsc` in the typecheck task: expectTypeOf fails compilation on a mismatch.
import type { BulkheadFullError, CircuitOpenError } from '@tripswitch/core';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { createFactory } from 'hono/factory';
import { expectTypeOf } from 'vitest';
import { type BreakerMiddlewareOptions, breakerMiddleware, circuitsHealth } from './index.ts';

// The issue's own example compiles against Hono's types.
const app = new Hono();
app.use('/api/*', breakerMiddleware({ name: 'api', failureRateThreshold: 50 }));
app.get('/health/circuits', circuitsHealth());
app.use('/tenants/:tenant/*', breakerMiddleware({ key: (c) => c.req.param('tenant') }));

// An app with typed variables and bindings takes the middleware too, and its routes keep them.
type AppEnv = { Variables: { user: string }; Bindings: { TOKEN: string } };
const typed = new Hono<AppEnv>();
typed.use(breakerMiddleware());
typed.get('/me', (c) => c.text(c.get('user') + c.env.TOKEN));
createFactory<AppEnv>().createApp().use('*', breakerMiddleware());

expectTypeOf(breakerMiddleware()).toEqualTypeOf<MiddlewareHandler>();
expectTypeOf(circuitsHealth()).toEqualTypeOf<(c: Context) => Response>();

// The callbacks receive Hono's context; key may return undefined; onOpen the refusal.
expectTypeOf<BreakerMiddlewareOptions['key']>().toEqualTypeOf<
  ((c: Context) => string | undefined) | undefined
>();
expectTypeOf<NonNullable<BreakerMiddlewareOptions['isFailure']>>().parameters.toEqualTypeOf<
  [status: number, c: Context]
>();
expectTypeOf<NonNullable<BreakerMiddlewareOptions['onOpen']>>()
  .parameter(1)
  .toEqualTypeOf<CircuitOpenError | BulkheadFullError>();

// problem shapes the 503's body from the refusal and the default document.
breakerMiddleware({ problem: (error, problem) => ({ ...problem, breaker: error.breakerName }) });

// onOpen returns what Hono's context helpers return, now or later.
breakerMiddleware({ onOpen: (c) => c.json({ busy: true }, 429) });
breakerMiddleware({ onOpen: async (c, error) => c.text(error.message, 503) });
// @ts-expect-error onOpen must answer with a response
breakerMiddleware({ onOpen: () => undefined });

// Breaker options that mean nothing for inbound requests are not options here.
// @ts-expect-error timeoutMs: the middleware cannot abort a route handler
breakerMiddleware({ timeoutMs: 1_000 });
// @ts-expect-error isResultFailure: requests are judged by their status
breakerMiddleware({ isResultFailure: () => true });
// @ts-expect-error fallback: onOpen answers refused requests
breakerMiddleware({ fallback: () => 'cached' });
// @ts-expect-error isFailure takes a status, not an error
breakerMiddleware({ isFailure: (error: Error) => error.message === '' });
