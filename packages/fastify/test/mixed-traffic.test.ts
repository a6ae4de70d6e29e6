// Random mixes of concurrent requests — successes, 4xx, 5xx, throws, rejections, hijacked replies,
// neighbouring hooks that throw, opted-out routes, unkeyed requests — on a clock that jumps: every
// admitted request settles exactly once, as its final status says, and refused ones never run.
import { BreakerRegistry, type CircuitBreaker } from '@tripswitch/core';
import fc from 'fast-check';
import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { breakerPlugin } from '../src/index.ts';

const behaviours = [
  'ok',
  'not-found',
  'fail',
  'throw',
  'reject',
  'hijack-fail',
  'pre-handler-throws',
  'on-send-throws',
  'opted-out',
] as const;
type Behaviour = (typeof behaviours)[number];

const request = fc.record({
  behaviour: fc.constantFrom(...behaviours),
  key: fc.constantFrom('a', 'b', 'c', undefined),
  advanceMs: fc.constantFrom(0, 0, 0, 250, 1_000),
});

type Spec = typeof request extends fc.Arbitrary<infer T> ? T : never;

it('settles every admitted request exactly once, by its final status, whatever the mix', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(request, { minLength: 1, maxLength: 8 }), { maxLength: 6 }),
      async (batches) => {
        let now = 0;
        const registry = new BreakerRegistry();
        const app = Fastify();
        await app.register(breakerPlugin, {
          registry,
          key: (req) => req.headers['x-key'] as string | undefined,
          clock: { now: () => now },
          minimumCalls: 2,
          failureRateThreshold: 50,
          openDurationMs: 1_000,
          halfOpenMaxCalls: 2,
        });
        const ran = new Set<string>();
        // Every request the plugin admits (or does not guard) goes on to preHandler; a refused one
        // is answered in onRequest and never gets there.
        const passed = new Set<string>();
        const behaviourOf = (id: string): Behaviour => plan.get(id)?.behaviour ?? 'ok';
        app.addHook('preHandler', async (req) => {
          passed.add(req.headers['x-id'] as string);
          if (behaviourOf(req.headers['x-id'] as string) === 'pre-handler-throws')
            throw new Error('neighbour');
        });
        app.addHook('onSend', async (req, _reply, payload) => {
          if (behaviourOf(req.headers['x-id'] as string) === 'on-send-throws') {
            // Once: the error response goes through onSend too.
            plan.set(req.headers['x-id'] as string, {
              behaviour: 'ok',
              key: undefined,
              advanceMs: 0,
            });
            throw new Error('neighbour');
          }
          return payload;
        });
        const handler = async (
          req: { headers: Record<string, unknown> },
          reply: import('fastify').FastifyReply,
        ) => {
          const id = req.headers['x-id'] as string;
          ran.add(id);
          await Promise.resolve();
          switch (behaviourOf(id)) {
            case 'not-found':
              return reply.code(404).send('missing');
            case 'fail':
              return reply.code(500).send('failed');
            case 'throw':
              throw new Error('bug');
            case 'reject':
              return Promise.reject(new Error('async bug'));
            case 'hijack-fail':
              reply.hijack();
              reply.raw.writeHead(502).end('raw');
              return reply;
            default:
              return 'ok';
          }
        };
        app.get('/guarded', handler);
        app.get('/opted-out', { config: { breaker: false } }, handler);
        await app.ready();

        const plan = new Map<string, Spec>();
        const counts = { success: 0, failure: 0, ignored: 0, rejected: 0 };
        registry.on('success', () => counts.success++);
        registry.on('failure', () => counts.failure++);
        registry.on('ignored', () => counts.ignored++);
        registry.on('rejected', () => counts.rejected++);
        const expected = { admitted: 0, failed: 0, refused: 0 };

        let n = 0;
        for (const batch of batches) {
          const replies = await Promise.all(
            batch.map(async (spec) => {
              const id = String(n++);
              plan.set(id, spec);
              now += spec.advanceMs;
              const headers: Record<string, string> = { 'x-id': id };
              if (spec.key !== undefined) headers['x-key'] = spec.key;
              const url = spec.behaviour === 'opted-out' ? '/opted-out' : '/guarded';
              const response = await app.inject({ url, headers });
              return { id, spec, response };
            }),
          );
          for (const { id, spec, response } of replies) {
            const guarded = spec.behaviour !== 'opted-out' && spec.key !== undefined;
            if (!passed.has(id)) {
              expect(guarded).toBe(true);
              expect(ran.has(id)).toBe(false);
              // The 503 problem; Fastify's error body (still a 503) when an onSend hook broke it.
              expect([response.statusCode, response.headers['content-type']]).toEqual([
                503,
                spec.behaviour === 'on-send-throws'
                  ? 'application/json; charset=utf-8'
                  : 'application/problem+json',
              ]);
              expected.refused++;
            } else if (guarded) {
              expected.admitted++;
              if (response.statusCode >= 500) expected.failed++;
            }
          }
        }

        expect(counts).toEqual({
          success: expected.admitted - expected.failed,
          failure: expected.failed,
          ignored: 0,
          rejected: expected.refused,
        });
        for (const breaker of registry.list() as CircuitBreaker[]) expect(breaker.inFlight).toBe(0);
        await app.close();
      },
    ),
    { numRuns: 100 },
  );
});
