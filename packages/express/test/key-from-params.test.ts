// `key: (req) => req.params.tenant` in a middleware mounted with app.use(): params are not parsed
// there, the key is undefined, and the error must say so, naming `key`.
import { BreakerRegistry, isInvalidOptionError } from '@tripswitch/core';
import { nextOutcome } from '@tripswitch/test-breakers';
import type { ErrorRequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { breakerMiddleware } from '../src/index.ts';
import { expresses } from './expresses.ts';
import { get, serve } from './serve.ts';

describe.each(expresses)('%s: a key read from req.params', (_label, express) => {
  it('in app.use(), sends next an InvalidOptionError naming key and the likely mistake', async () => {
    const app = express();
    app.use(breakerMiddleware({ key: (req) => req.params.tenant as string }));
    let handled = 0;
    app.get('/tenants/:tenant', (_req, res) => {
      handled++;
      res.send('ok');
    });
    const errors: unknown[] = [];
    const onError: ErrorRequestHandler = (error, _req, res, _next) => {
      errors.push(error);
      res.sendStatus(500);
    };
    app.use(onError);
    const url = await serve(app);

    expect((await get(`${url}/tenants/acme`)).status).toBe(500);
    expect(handled).toBe(0);
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(isInvalidOptionError(error)).toBe(true);
    expect(error).toMatchObject({ option: 'key', value: undefined });
    expect((error as Error).message).toBe(
      'Invalid option "key": got undefined; expected a function returning a non-empty string for every request (in a middleware mounted with app.use(), no route has matched yet and req.params is empty: key by req.path there, or mount the middleware on the route, as in app.get(path, breakerMiddleware({ key }), handler))',
    );
    // Not the message of the registry, which names "name" for what the user called key.
    expect((error as Error).message).not.toContain('"name"');
  });

  it.each([
    ['an empty string', ''],
    ['a number', 42],
    ['an object', { tenant: 'acme' }],
  ])('names key for %s too', async (_what, value) => {
    const app = express();
    app.use(breakerMiddleware({ key: () => value as string }));
    const errors: unknown[] = [];
    app.use(((error, _req, res, _next) => {
      errors.push(error);
      res.sendStatus(500);
    }) as ErrorRequestHandler);
    const url = await serve(app);
    expect((await get(`${url}/x`)).status).toBe(500);
    expect(errors).toEqual([expect.objectContaining({ option: 'key', value })]);
  });

  it('on the route, as the error advises, keys each tenant', async () => {
    const registry = new BreakerRegistry();
    const app = express();
    app.get(
      '/tenants/:tenant',
      breakerMiddleware({ registry, key: (req) => req.params.tenant as string }),
      (_req, res) => {
        res.send('ok');
      },
    );
    const url = await serve(app);
    for (const tenant of ['acme', 'globex']) {
      const outcome = nextOutcome(registry);
      expect((await get(`${url}/tenants/${tenant}`)).status).toBe(200);
      expect(await outcome).toMatchObject({ kind: 'success', name: tenant });
    }
    expect(registry.list().map((breaker) => breaker.name)).toEqual(['acme', 'globex']);
  });
});
