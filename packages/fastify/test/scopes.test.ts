// Encapsulation: which routes a registration guards, which breaker each route goes through, and
// what `app.breakers` is, however the plugin and the routes are arranged.
import { BreakerRegistry, isInvalidOptionError } from '@tripswitch/core';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { describe, expect, it } from 'vitest';
import { breakerPlugin, circuitsHealth } from '../src/index.ts';
import { clientOf } from './client.ts';

/** Adds GET `path` answering `status`. */
function route(scope: FastifyInstance, path: string, status = 200): void {
  scope.get(path, async (_request, reply) => reply.code(status).send(path));
}

/**
 * A plugin written in place as an async function, typed as the `FastifyPluginAsync` that
 * `register` takes. Biome's noMisusedPromises reads only `register`'s callback overload, which
 * returns nothing, and would flag the promise; the type tells it the plugin returns one.
 */
function asyncPlugin(plugin: FastifyPluginAsync): FastifyPluginAsync {
  return plugin;
}

/** Totals of every breaker of `registry`, by name: what each has recorded. */
function recorded(registry: BreakerRegistry): Record<string, number> {
  return Object.fromEntries(
    registry.stats().map(({ name, totals }) => [name, totals.successes + totals.failures]),
  );
}

describe('encapsulation', () => {
  it('guards every route of the app when registered at the root, child scopes included', async () => {
    const app = Fastify();
    await app.register(breakerPlugin);
    route(app, '/root');
    await app.register(
      asyncPlugin(async (scope) => {
        route(scope, '/child');
        await scope.register(asyncPlugin(async (grandchild) => route(grandchild, '/grandchild')));
      }),
      { prefix: '/api' },
    );
    const client = await clientOf(app, 'inject');

    for (const path of ['/root', '/api/child', '/api/grandchild']) {
      expect((await client.get(path)).status).toBe(200);
    }
    expect(recorded(app.breakers)).toEqual({ fastify: 3 });
  });

  it('guards routes declared before it, and registered without await, in its scope', async () => {
    const app = Fastify();
    route(app, '/before');
    app.register(breakerPlugin);
    route(app, '/after');
    const client = await clientOf(app, 'inject');

    await client.get('/before');
    await client.get('/after');
    expect(recorded(app.breakers)).toEqual({ fastify: 2 });
  });

  it("guards only its own scope's routes when registered in a scope", async () => {
    const app = Fastify();
    route(app, '/root');
    let inner: FastifyInstance | undefined;
    await app.register(
      asyncPlugin(async (scope) => {
        await scope.register(breakerPlugin, { name: 'payments' });
        route(scope, '/payments');
        inner = scope;
      }),
    );
    await app.register(asyncPlugin(async (sibling) => route(sibling, '/sibling')));
    const client = await clientOf(app, 'inject');

    for (const path of ['/root', '/payments', '/sibling']) await client.get(path);

    expect(recorded(inner!.breakers)).toEqual({ payments: 1 });
    expect(app.hasDecorator('breakers')).toBe(false);
  });

  it('lets a scope registration replace the enclosing one for its routes: each request counts once', async () => {
    const app = Fastify();
    await app.register(breakerPlugin, { failureRateThreshold: 50 });
    route(app, '/root');
    await app.register(
      asyncPlugin(async (scope) => {
        await scope.register(breakerPlugin, { name: 'payments', failureRateThreshold: 25 });
        route(scope, '/payments', 500);
        // A scope inside the inner one is the inner one's.
        await scope.register(asyncPlugin(async (nested) => route(nested, '/payments/refunds')));
        expect(scope.breakers).toBe(app.breakers);
      }),
    );
    const client = await clientOf(app, 'inject');

    for (const path of ['/root', '/payments', '/payments/refunds']) await client.get(path);

    // One registry for the app: the scope shares the enclosing registration's.
    expect(recorded(app.breakers)).toEqual({ fastify: 1, payments: 2 });
    expect(app.breakers.get('payments').stats()).toMatchObject({ failures: 1, inFlight: 0 });
    expect(app.breakers.get('fastify').stats()).toMatchObject({ failures: 0, inFlight: 0 });
  });

  it("gives a scope with a registry of its own app.breakers of its own; the root's is untouched", async () => {
    const app = Fastify();
    await app.register(breakerPlugin);
    const own = new BreakerRegistry();
    let scoped: BreakerRegistry | undefined;
    await app.register(
      asyncPlugin(async (scope) => {
        await scope.register(breakerPlugin, { registry: own, name: 'reports' });
        route(scope, '/reports');
        scoped = scope.breakers;
      }),
    );
    const client = await clientOf(app, 'inject');
    await client.get('/reports');

    expect(scoped).toBe(own);
    expect(recorded(own)).toEqual({ reports: 1 });
    expect(recorded(app.breakers)).toEqual({ fastify: 0 });
  });

  it('rejects a second registration in the same scope, at start-up', async () => {
    const app = Fastify();
    await app.register(breakerPlugin);
    await expect(app.register(breakerPlugin, { name: 'again' })).rejects.toThrow(
      /already registered in this scope/,
    );
  });

  it('rejects a decorator named breakers that is not its registry, rather than replacing it', async () => {
    const app = Fastify();
    app.decorate('breakers', { mine: true } as never);
    await expect(app.register(breakerPlugin)).rejects.toThrow(/app\.breakers/);

    const same = new BreakerRegistry();
    const other = Fastify();
    other.decorate('breakers', same);
    await other.register(breakerPlugin, { registry: same });
    expect(other.breakers).toBe(same);
  });

  it('rejects maxKeys in a scope that shares an enclosing registration’s registry', async () => {
    const app = Fastify();
    await app.register(breakerPlugin);
    const failed = app.register(
      asyncPlugin(async (scope) => {
        await scope.register(breakerPlugin, { key: (request) => request.url, maxKeys: 10 });
      }),
    );
    await expect(failed).rejects.toSatisfy(
      (error) => isInvalidOptionError(error) && error.option === 'maxKeys',
    );
  });
});

describe('route config', () => {
  it('takes a route with config: { breaker: false } out: never refused, never counted', async () => {
    const app = Fastify();
    await app.register(breakerPlugin);
    app.get('/ping', { config: { breaker: false } }, async () => 'pong');
    route(app, '/guarded');
    const client = await clientOf(app, 'inject');
    app.breakers.isolate('fastify');

    expect(await client.get('/ping')).toMatchObject({ status: 200, body: 'pong' });
    expect((await client.get('/guarded')).status).toBe(503);
    expect(app.breakers.get('fastify').stats().totals).toMatchObject({ successes: 0, rejected: 1 });
  });

  it('gives a route with options of its own a breaker of its own, named after the route or by name', async () => {
    const app = Fastify();
    await app.register(breakerPlugin, { minimumCalls: 5 });
    app.get('/orders/:id', { config: { breaker: { failureRateThreshold: 10 } } }, async () => 'o');
    app.post('/payments', { config: { breaker: { name: 'payments' } } }, async () => 'p');
    route(app, '/other');
    // Created when declared: a health report lists them before their first request.
    expect(app.breakers.list().map((breaker) => breaker.name)).toEqual([
      'fastify',
      'GET /orders/:id',
      'payments',
    ]);
    const client = await clientOf(app, 'inject');

    await client.get('/orders/1');
    await client.request('HEAD', '/orders/2'); // Fastify's HEAD route shares GET's breaker
    await client.request('POST', '/payments');
    await client.get('/other');

    expect(recorded(app.breakers)).toEqual({ fastify: 1, 'GET /orders/:id': 2, payments: 1 });
  });

  it('merges a route’s options over the plugin’s, and lets a route key its own breakers', async () => {
    let now = 0;
    const app = Fastify();
    await app.register(breakerPlugin, {
      clock: { now: () => now },
      minimumCalls: 2,
      failureRateThreshold: 100,
      openDurationMs: 5_000,
    });
    app.get(
      '/tenants/:tenant',
      {
        config: {
          breaker: { key: (request) => `tenant ${(request.params as { tenant: string }).tenant}` },
        },
      },
      async (request, reply) =>
        reply
          .code((request.params as { tenant: string }).tenant === 'broken' ? 500 : 200)
          .send('t'),
    );
    app.get('/slow', { config: { breaker: { openDurationMs: 60_000 } } }, async (_request, reply) =>
      reply.code(500).send('s'),
    );
    const client = await clientOf(app, 'inject');

    for (let i = 0; i < 2; i++) {
      await client.get('/tenants/broken');
      await client.get('/slow');
    }
    now += 5_000;

    expect((await client.get('/tenants/broken')).status).toBe(500); // a trial: 5 s is over
    expect((await client.get('/tenants/fine')).status).toBe(200);
    const slow = await client.get('/slow');
    expect(slow.status).toBe(503); // its own 60 s, over the plugin's 5 s
    expect(slow.headers['retry-after']).toBe('55');
  });

  it('rejects a bad config.breaker when the route is declared, naming the option', () => {
    return (async () => {
      const app = Fastify();
      await app.register(breakerPlugin);
      for (const [config, option, expected] of [
        [{ breaker: 'off' }, 'config.breaker', /false, or an object/],
        [{ breaker: { minimumCalls: 0 } }, 'config.breaker.minimumCalls', /an integer >= 1/],
        [{ breaker: { timeoutMs: 100 } }, 'config.breaker.timeoutMs', /handlerTimeout/],
        [
          { breaker: { registry: new BreakerRegistry() } },
          'config.breaker.registry',
          /no such option/,
        ],
        [{ breaker: { name: 'x', key: () => 'k' } }, 'config.breaker.name', /alongside key/],
        [{ breaker: { problem: 'busy' } }, 'config.breaker.problem', /a function/],
      ] as const) {
        let thrown: unknown;
        try {
          app.get(
            `/bad/${option}/${String(expected)}`,
            { config: config as never },
            async () => 'x',
          );
        } catch (error) {
          thrown = error;
        }
        expect(isInvalidOptionError(thrown) && thrown.option).toBe(option);
        expect((thrown as Error).message).toMatch(expected);
      }
    })();
  });

  it('never guards or counts a circuitsHealth() route, even one declared after the plugin at the root', async () => {
    const app = Fastify();
    await app.register(breakerPlugin);
    app.get('/health', circuitsHealth());
    const client = await clientOf(app, 'inject');
    app.breakers.isolate('fastify');

    const health = await client.get('/health');
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'degraded' });
    expect(app.breakers.get('fastify').stats().totals).toMatchObject({ rejected: 0 });
  });
});
