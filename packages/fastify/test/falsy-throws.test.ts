// A callback that throws a falsy value (`throw undefined`, `null`, `0`, `''`, `false`): Fastify's
// hook runner reads a falsy argument to `done` as "no error" and runs the rest of the request, so
// the plugin must hand it an Error, or a refused request would reach its handler.
import { BreakerRegistry } from '@tripswitch/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { type BreakerPluginOptions, breakerPlugin } from '../src/index.ts';
import { clientOf } from './client.ts';

const falsyValues = [undefined, null, 0, '', false] as const;

/** An app whose GET /x counts the requests that reached it, behind a later onRequest hook. */
async function countingApp(options: BreakerPluginOptions, registry: BreakerRegistry) {
  const app: FastifyInstance = Fastify();
  await app.register(breakerPlugin, { registry, ...options });
  // With a hook after the plugin's, even a falsy `done(0)` is read as "go on".
  app.addHook('onRequest', async () => {});
  const seen = { handled: 0 };
  app.get('/x', async () => {
    seen.handled++;
    return 'handled';
  });
  return { app, seen };
}

describe.each(falsyValues)('a callback that throws %o', (thrown) => {
  it('onOpen: the refused request does not reach the handler', async () => {
    const registry = new BreakerRegistry();
    const { app, seen } = await countingApp(
      {
        onOpen: () => {
          throw thrown;
        },
      },
      registry,
    );
    registry.get('fastify').isolate();
    const client = await clientOf(app, 'socket');

    const reply = await client.get('/x');

    expect(seen.handled).toBe(0);
    expect(reply.status).toBe(500);
    expect(registry.get('fastify').stats()).toMatchObject({ inFlight: 0, calls: 0 });
  });

  it('onOpen rejecting: the refused request does not reach the handler', async () => {
    const registry = new BreakerRegistry();
    const { app, seen } = await countingApp({ onOpen: () => Promise.reject(thrown) }, registry);
    registry.get('fastify').isolate();
    const client = await clientOf(app, 'socket');

    const reply = await client.get('/x');

    expect(seen.handled).toBe(0);
    expect(reply.status).toBe(500);
  });

  it('key: the request goes to the error handler, not around the breaker', async () => {
    const registry = new BreakerRegistry();
    const { app, seen } = await countingApp(
      {
        key: () => {
          throw thrown;
        },
      },
      registry,
    );
    const client = await clientOf(app, 'socket');

    const reply = await client.get('/x');

    expect(seen.handled).toBe(0);
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body)).toMatchObject({
      message: `key threw ${typeof thrown === 'string' ? '""' : String(thrown)}, which is not an error`,
    });
  });
});
