// Type tests, checked by `tsc` in the typecheck task: expectTypeOf fails compilation on a mismatch.
import type { BulkheadFullError, CircuitOpenError } from '@tripswitch/core';
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { expectTypeOf } from 'vitest';
import {
  type BreakerErrorHandlerOptions,
  type BreakerMiddlewareOptions,
  breakerErrorHandler,
  breakerMiddleware,
  circuitsHealth,
  type KeyedMiddlewareOptions,
  type NamedMiddlewareOptions,
  type RefusalProblem,
} from './index.ts';

// The issue's own example compiles against Express's types.
const app = express();
app.use(breakerMiddleware());
app.use('/payments', breakerMiddleware({ name: 'payments', failureRateThreshold: 25 }));
app.use(breakerMiddleware({ key: (req) => `${req.method} ${req.path}`, maxKeys: 500 }));
app.use(breakerErrorHandler());
app.get('/health/circuits', circuitsHealth());

expectTypeOf(breakerMiddleware()).toEqualTypeOf<RequestHandler>();
expectTypeOf(breakerErrorHandler()).toEqualTypeOf<ErrorRequestHandler>();
expectTypeOf(circuitsHealth()).toEqualTypeOf<RequestHandler>();

// The callbacks receive Express's request, and onOpen the refusal.
expectTypeOf<BreakerMiddlewareOptions['key']>().toEqualTypeOf<
  ((req: Request) => string) | undefined
>();

// One breaker, maybe named, or one per key: each per-key breaker is named by its key, so name
// and key do not go together, and maxKeys bounds per-key breakers only.
breakerMiddleware({ name: 'payments' });
breakerMiddleware({ key: (req) => req.path, maxKeys: 100 });
breakerMiddleware({ key: (req) => req.path, name: undefined });
// @ts-expect-error name and key
breakerMiddleware({ name: 'payments', key: (req) => req.path });
// @ts-expect-error maxKeys without key
breakerMiddleware({ maxKeys: 100 });
const keyed: KeyedMiddlewareOptions = { key: (req) => req.hostname };
expectTypeOf(keyed).toExtend<BreakerMiddlewareOptions>();
expectTypeOf<NamedMiddlewareOptions>().toExtend<BreakerMiddlewareOptions>();
expectTypeOf<NonNullable<BreakerMiddlewareOptions['isFailure']>>().parameters.toEqualTypeOf<
  [statusCode: number, req: Request]
>();
expectTypeOf<NonNullable<BreakerMiddlewareOptions['onOpen']>>()
  .parameter(3)
  .toEqualTypeOf<CircuitOpenError | BulkheadFullError>();

// onOpen may return what Express's response methods return.
breakerMiddleware({ onOpen: (_req, res) => res.status(429).json({ busy: true }) });
breakerMiddleware({ onOpen: async (_req, _res, next, error) => next(error) });

// Breaker options that mean nothing for inbound requests are not options here.
// @ts-expect-error timeoutMs: the middleware cannot abort a route handler
breakerMiddleware({ timeoutMs: 1_000 });
// @ts-expect-error isResultFailure: requests are judged by their status
breakerMiddleware({ isResultFailure: () => true });
// @ts-expect-error fallback: onOpen answers refused requests
breakerMiddleware({ fallback: () => 'cached' });
// @ts-expect-error isFailure takes a status, not an error
breakerMiddleware({ isFailure: (error: Error) => error.message === '' });

// problem receives the refusal and the problem document, and returns any object as the body.
breakerErrorHandler({ problem: (error, problem) => ({ ...problem, breaker: error.breakerName }) });
breakerMiddleware({ problem: (_error, problem) => ({ detail: problem.detail }) });
expectTypeOf<NonNullable<BreakerErrorHandlerOptions['problem']>>().parameters.toEqualTypeOf<
  [error: CircuitOpenError | BulkheadFullError, problem: RefusalProblem]
>();
// @ts-expect-error the body is an object, not a string
breakerErrorHandler({ problem: () => 'busy' });
