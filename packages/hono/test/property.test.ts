// Random mixes of requests — answered, failed, thrown, thrown past Hono, unanswered, refused
// downstream, abandoned by their client before or during the handler — through random breaker
// options, run concurrently with time moving between waves. Whatever the mix: every request
// settles, every permit is settled exactly once by the rule (nothing left in flight, no bulkhead
// slot kept), and each admitted request lands in exactly one total.
import { BreakerRegistry, CircuitBreaker, type CircuitBreakerOptions } from '@tripswitch/core';
import fc from 'fast-check';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { expect, it, vi } from 'vitest';
import { type BreakerMiddlewareOptions, breakerMiddleware } from '../src/index.ts';

const behaviours = [
  'ok',
  'not-found',
  'server-error',
  'throws',
  'throws-http-401',
  'throws-http-502',
  'throws-non-error',
  'answers-nothing',
  'downstream-refusal',
  'neighbour-throws-before-next',
  'neighbour-throws-after-next',
] as const;
type Behaviour = (typeof behaviours)[number];

interface Plan {
  behaviour: Behaviour;
  key: 'a' | 'b' | 'c' | 'around';
  client: 'stays' | 'left-before' | 'leaves-during';
}

const plan: fc.Arbitrary<Plan> = fc.record({
  behaviour: fc.constantFrom(...behaviours),
  key: fc.constantFrom('a', 'b', 'c', 'around'),
  client: fc.constantFrom('stays', 'stays', 'stays', 'left-before', 'leaves-during'),
});

const breakerOptions = fc.record(
  {
    window: fc.record({
      type: fc.constant('count' as const),
      size: fc.integer({ min: 1, max: 8 }),
    }),
    minimumCalls: fc.integer({ min: 1, max: 5 }),
    failureRateThreshold: fc.integer({ min: 1, max: 100 }),
    openDurationMs: fc.integer({ min: 1, max: 1_000 }),
    halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
    slowCallDurationMs: fc.integer({ min: 1, max: 1_000 }),
    bulkhead: fc.record({
      maxConcurrent: fc.integer({ min: 1, max: 3 }),
      maxQueue: fc.integer({ min: 0, max: 2 }),
    }),
  },
  { requiredKeys: [] },
);

const judges = ['default', 'four-hundreds', 'throws'] as const;

it('settles every permit exactly once, whatever the requests do', async () => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  await fc.assert(
    fc.asyncProperty(
      breakerOptions,
      fc.constantFrom(...judges),
      fc.boolean(),
      fc.array(fc.tuple(fc.array(plan, { minLength: 1, maxLength: 8 }), fc.nat(1_500)), {
        minLength: 1,
        maxLength: 6,
      }),
      async (options, judge, keyed, waves) => {
        let now = 0;
        const registry = new BreakerRegistry();
        const middlewareOptions: BreakerMiddlewareOptions = {
          ...(options as Omit<
            CircuitBreakerOptions,
            'name' | 'isFailure' | 'isResultFailure' | 'timeoutMs' | 'fallback'
          >),
          registry,
          clock: { now: () => now },
          // Names the breaker in its own 503s, to tell them from the downstream refusals'.
          problem: (error, problem) =>
            error.breakerName === downstreamName
              ? problem
              : { ...problem, breaker: error.breakerName },
        };
        if (keyed) middlewareOptions.key = (c) => c.req.header('x-key') as string | undefined;
        if (judge === 'four-hundreds') middlewareOptions.isFailure = (status) => status >= 400;
        if (judge === 'throws') {
          middlewareOptions.isFailure = () => {
            throw new Error('isFailure bug');
          };
        }
        const app = buildApp(middlewareOptions);
        const queueing = (options.bulkhead?.maxQueue ?? 0) > 0;

        // What the requests that reached a breaker should have left in its totals, by the rule.
        const expected = { successes: 0, failures: 0, ignored: 0, rejected: 0 };
        for (const [wave, advanceMs] of waves) {
          const results = await Promise.allSettled(wave.map((p) => send(app, p, keyed)));
          for (const [i, result] of results.entries()) {
            const p = wave[i] as Plan;
            if (keyed && p.key === 'around') continue;
            if (result.status === 'rejected') {
              // Only a throw of a non-error passes Hono's error handling.
              expect(p.behaviour).toBe('throws-non-error');
              expected[p.client === 'stays' ? 'failures' : 'ignored']++;
              continue;
            }
            const response = result.value;
            if (await refusedByOwnBreaker(response)) expected.rejected++;
            // A queueing middleware never admits a request whose client had already left.
            else if (queueing && p.client === 'left-before') expect(response.status).toBe(499);
            else if (p.client !== 'stays') expected.ignored++;
            else if (judgedFailed(judge, response.status)) expected.failures++;
            else expected.successes++;
          }
          now += advanceMs;
        }

        const counted = { successes: 0, failures: 0, ignored: 0, rejected: 0 };
        for (const breaker of registry.list()) {
          const stats = breaker.stats();
          expect(stats.inFlight).toBe(0);
          if (stats.bulkhead !== undefined)
            expect(stats.bulkhead).toMatchObject({ active: 0, queued: 0 });
          for (const total of Object.keys(counted) as Array<keyof typeof counted>) {
            counted[total] += stats.totals[total];
          }
        }
        expect(counted).toEqual(expected);
      },
    ),
    { numRuns: 150 },
  );
});

function judgedFailed(judge: (typeof judges)[number], status: number): boolean {
  if (judge === 'throws') return true;
  return status >= (judge === 'four-hundreds' ? 400 : 500);
}

/** Whether the middleware's own breaker refused the request: its 503 names it (`problem`). */
async function refusedByOwnBreaker(response: Response): Promise<boolean> {
  if (response.status !== 503) return false;
  if (response.headers.get('content-type') !== 'application/problem+json') return false;
  const body = (await response.clone().json()) as { breaker?: string };
  return body.breaker !== undefined;
}

const downstreamName = 'http://internal.example';

function buildApp(options: BreakerMiddlewareOptions): Hono {
  const downstream = new CircuitBreaker({ name: downstreamName });
  downstream.isolate();
  const app = new Hono();
  app.use('*', breakerMiddleware(options));
  app.use('*', async (c, next) => {
    const behaviour = c.req.header('x-behaviour') as Behaviour;
    if (c.req.header('x-client') === 'leaves-during') {
      (c.req.raw as Request & { leave?: () => void }).leave?.();
    }
    if (behaviour === 'neighbour-throws-before-next') throw new Error('neighbour');
    await next();
    if (behaviour === 'neighbour-throws-after-next') throw new Error('neighbour on the way out');
  });
  app.all('*', async (c) => {
    await Promise.resolve();
    switch (c.req.header('x-behaviour') as Behaviour) {
      case 'not-found':
        return c.text('no such thing', 404);
      case 'server-error':
        return c.text('broken', 500);
      case 'throws':
        throw new Error('bug');
      case 'throws-http-401':
        throw new HTTPException(401);
      case 'throws-http-502':
        throw new HTTPException(502);
      case 'throws-non-error':
        throw 'not an error';
      case 'answers-nothing':
        return undefined as unknown as Response;
      case 'downstream-refusal':
        return c.json(await downstream.execute(async () => 'never')); // refused: forced open
      default:
        return c.text('fine');
    }
  });
  return app;
}

function send(app: Hono, p: Plan, keyed: boolean): Promise<Response> {
  const client = new AbortController();
  if (p.client === 'left-before') client.abort();
  const headers: Record<string, string> = { 'x-behaviour': p.behaviour, 'x-client': p.client };
  if (keyed && p.key !== 'around') headers['x-key'] = p.key;
  const request = Object.assign(
    new Request('http://app.test/', { headers, signal: client.signal }),
    { leave: () => client.abort() },
  );
  return Promise.resolve(app.fetch(request));
}
