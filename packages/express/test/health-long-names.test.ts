// circuitsHealth cuts long breaker names: a key can come from request input, and the report lists
// every breaker, so 16 KB names would make each health check megabytes long.
import { BreakerRegistry, isInvalidOptionError } from '@tripswitch/core';
import { cutNameEnd, healthNames, longNames } from '@tripswitch/test-breakers';
import { describe, expect, it } from 'vitest';
import { breakerMiddleware, type CircuitsHealthOptions, circuitsHealth } from '../src/index.ts';
import { expresses } from './expresses.ts';
import { get, serve } from './serve.ts';

const { shared, long, alike } = longNames;

describe.each(expresses)('%s: circuitsHealth with long names', (_label, express) => {
  async function report(registry: BreakerRegistry, options: CircuitsHealthOptions = {}) {
    const app = express();
    app.get('/health/circuits', circuitsHealth({ registry, ...options }));
    const url = await serve(app);
    const reply = await get(`${url}/health/circuits`);
    expect(reply.status).toBe(200);
    return healthNames(reply.body);
  }

  it('cuts a 16 KB name to 120 units, apart from another that starts alike', async () => {
    const registry = new BreakerRegistry();
    for (const name of ['payments', long, alike]) registry.get(name);

    const { names, length } = await report(registry);

    const [short, first, second] = names;
    expect(short).toBe('payments');
    for (const name of [first, second]) {
      expect(name).toHaveLength(120);
      expect(name).toMatch(cutNameEnd);
      expect(name?.startsWith(shared.slice(0, 103))).toBe(true);
    }
    expect(first).not.toBe(second);
    expect(length).toBeLessThan(1_000);
  });

  it('cuts to maxNameLength when given', async () => {
    const registry = new BreakerRegistry();
    for (const name of [long, 'x'.repeat(40), 'payments']) registry.get(name);

    const { names } = await report(registry, { maxNameLength: 40 });

    expect(names[0]).toHaveLength(40);
    expect(names[0]).toMatch(cutNameEnd);
    expect(names.slice(1)).toEqual(['x'.repeat(40), 'payments']);
  });

  it('cuts the names of keys taken from the request, without a registry', async () => {
    const app = express();
    app.get('/health/circuits', circuitsHealth());
    app.use(breakerMiddleware({ key: (req) => req.path }));
    app.use((_req, res) => {
      res.send('ok');
    });
    const url = await serve(app);
    const path = `/${'t'.repeat(8_000)}`;
    expect((await get(url + path)).status).toBe(200);
    expect((await get(`${url}/orders`)).status).toBe(200);

    const { names } = healthNames((await get(`${url}/health/circuits`)).body);

    expect(names).toHaveLength(2);
    expect(names[0]).toHaveLength(120);
    expect(names[0]).toMatch(/^\/t+\u2026[0-9a-f]{16}$/);
    expect(names[1]).toBe('/orders');
  });
});

describe('circuitsHealth options', () => {
  it.each([31, 65_537, 1.5, '120'])('refuses maxNameLength: %j', (value) => {
    let thrown: unknown;
    try {
      circuitsHealth({ maxNameLength: value as number });
    } catch (error) {
      thrown = error;
    }
    expect(isInvalidOptionError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ option: 'maxNameLength', value });
  });
});
