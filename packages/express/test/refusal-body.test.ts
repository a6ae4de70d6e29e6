// What a 503 tells the public: by default no breaker's name — an HTTP client's breaker is named by
// the internal origin it calls — and `problem` shapes the body, the name back in if you want it.
import { BreakerRegistry, type CircuitBreaker, InvalidOptionError } from '@tripswitch/core';
import { httpClientBreakers } from '@tripswitch/core/internal';
import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it, vi } from 'vitest';
import {
  type BreakerErrorHandlerOptions,
  type BreakerMiddlewareOptions,
  breakerErrorHandler,
  breakerMiddleware,
} from '../src/index.ts';
import { type CreateApp, expresses } from './expresses.ts';
import { get, serve } from './serve.ts';

const internal = 'http://inventory.internal:8080';
const withName = (error: { breakerName: string }, problem: object) => ({
  ...problem,
  breaker: error.breakerName,
});

/** The per-origin breaker an HTTP client adapter keeps for `internal`, opened by one failure. */
function openClientBreaker(): CircuitBreaker {
  const breakers = httpClientBreakers({
    consecutiveFailures: 1,
    openDurationMs: 5_000,
    clock: { now: () => 0 },
  });
  const breaker = breakers.breakerFor(internal);
  breaker.tryAcquire()?.failure(new Error('inventory is down'));
  expect(breaker.state).toBe('open');
  return breaker;
}

/** An app whose GET /stock fails with the client breaker's refusal, as a route calling it would. */
async function appRefusedByClient(express: CreateApp, options?: BreakerErrorHandlerOptions) {
  const inventory = openClientBreaker();
  const app = express();
  app.get('/stock', (_req: Request, _res: Response, next: NextFunction) => {
    next(new Error('Request to inventory failed', { cause: inventory.openError() }));
  });
  app.use(breakerErrorHandler(options));
  return serve(app);
}

describe.each(expresses)('%s: what a refusal reveals', (_label, express) => {
  it('breakerErrorHandler names no breaker of an HTTP client, in the body or the headers', async () => {
    const url = await appRefusedByClient(express);
    const reply = await get(`${url}/stock`);
    expect(reply.status).toBe(503);
    expect(reply.body).not.toContain('inventory');
    expect([...reply.headers.values()].join(' ')).not.toContain('inventory');
    expect(JSON.parse(reply.body)).toEqual({
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'A circuit breaker refused the call; retry in 5 s',
      code: 'ERR_CIRCUIT_OPEN',
      retryAfterMs: 5_000,
    });
  });

  it('breakerErrorHandler({ problem }) puts the name back when asked', async () => {
    const url = await appRefusedByClient(express, { problem: withName });
    const reply = await get(`${url}/stock`);
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', breaker: internal });
  });

  it('breakerErrorHandler({ problem }) sends a body of its own, as problem+json', async () => {
    const url = await appRefusedByClient(express, {
      problem: (error, problem) => ({
        title: 'Stock levels are unavailable',
        retryAfterSeconds: Math.ceil((problem.retryAfterMs ?? 0) / 1000),
        reason: error.code,
      }),
    });
    const reply = await get(`${url}/stock`);
    expect(reply.status).toBe(503);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(reply.body)).toEqual({
      title: 'Stock levels are unavailable',
      retryAfterSeconds: 5,
      reason: 'ERR_CIRCUIT_OPEN',
    });
  });

  it('a problem function that throws: the default body is still sent, and the error reported', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const url = await appRefusedByClient(express, {
      problem: () => {
        throw new Error('bug in problem');
      },
    });
    const reply = await get(`${url}/stock`);
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
    expect(reply.body).not.toContain('inventory');
    expect(report).toHaveBeenCalledOnce();
  });

  it('the middleware names none of its own breakers either, unless its problem says so', async () => {
    const plain = await refusedBy(express, 'payments-db', {});
    const named = await refusedBy(express, 'payments-db', { problem: withName });
    expect(plain.body).not.toContain('payments');
    expect(JSON.parse(named.body)).toMatchObject({ breaker: 'payments-db' });
  });
});

/** The reply of a middleware named `name` whose circuit is forced open. */
async function refusedBy(
  express: CreateApp,
  name: string,
  options: Pick<BreakerMiddlewareOptions, 'problem'>,
) {
  const registry = new BreakerRegistry();
  const app = express();
  app.use(breakerMiddleware({ registry, name, ...options }));
  app.use((_req, res) => {
    res.send('ok');
  });
  const url = await serve(app);
  registry.isolate(name);
  const reply = await get(url);
  expect(reply.status).toBe(503);
  return reply;
}

describe('the problem option', () => {
  it.each([
    ['a string', 'named'],
    ['an object', { breaker: true }],
  ])('is refused when it is %s, by the error handler and the middleware', (_what, problem) => {
    expect(() => breakerErrorHandler({ problem: problem as never })).toThrow(InvalidOptionError);
    expect(() => breakerMiddleware({ problem: problem as never })).toThrow(
      /Invalid option "problem"/,
    );
  });

  it('is refused beside onOpen, which answers by itself', () => {
    expect(() =>
      breakerMiddleware({ problem: withName, onOpen: (_req, res) => res.sendStatus(429) }),
    ).toThrow(/nothing alongside onOpen/);
  });

  it('breakerErrorHandler refuses an unknown option or options that are not an object', () => {
    expect(() => breakerErrorHandler({ problme: withName } as never)).toThrow(
      /Invalid option "problme".*allowed: problem/,
    );
    expect(() => breakerErrorHandler(null as never)).toThrow(/Invalid option "options"/);
  });
});
