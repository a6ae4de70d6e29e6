// Where the metrics go: the global register by default, a given one, several registries with
// prefixes; and the function that takes them all back.
import { InvalidOptionError } from '@tripswitch/core';
import { settle, testClock, testRegistry } from '@tripswitch/test-breakers';
import { register as globalRegister, type OpenMetricsContentType, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { collectBreakerMetrics } from '../src/index.ts';
import { allFamilies } from './families.ts';
import { serveMetrics } from './serve-metrics.ts';

afterEach(() => {
  globalRegister.clear();
});

describe('registers', () => {
  it("registers on prom-client's global register by default", async () => {
    const registry = testRegistry(testClock());
    registry.get('a');
    collectBreakerMetrics(registry);
    const metrics = await (await serveMetrics(globalRegister)).scrape();
    expect([...metrics.keys()].sort()).toEqual(allFamilies);
  });

  it('prepends the prefix to every name', async () => {
    const registry = testRegistry(testClock());
    registry.get('a');
    const register = new Registry();
    collectBreakerMetrics(registry, { register, prefix: 'checkout_' });
    const metrics = await (await serveMetrics(register)).scrape();
    expect([...metrics.keys()].sort()).toEqual(allFamilies.map((name) => `checkout_${name}`));
  });

  it('keeps two breaker registries apart, on two registers or under two prefixes', async () => {
    const clock = testClock();
    const gateway = testRegistry(clock);
    const clients = testRegistry(clock);
    settle(gateway.get('gateway'), 2, 'success');
    settle(clients.get('https://upstream'), 3, 'success');

    const gatewayRegister = new Registry();
    const clientsRegister = new Registry();
    collectBreakerMetrics(gateway, { register: gatewayRegister });
    collectBreakerMetrics(clients, { register: clientsRegister });
    const shared = new Registry();
    collectBreakerMetrics(gateway, { register: shared, prefix: 'inbound_' });
    collectBreakerMetrics(clients, { register: shared, prefix: 'outbound_' });

    const successes = async (register: Registry, family: string) =>
      ((await (await serveMetrics(register)).scrape()).get(family)?.samples ?? [])
        .filter(({ labels }) => labels.result === 'success')
        .map(({ labels, value }) => `${labels.name} ${value}`);
    expect(await successes(gatewayRegister, 'circuit_breaker_calls_total')).toEqual(['gateway 2']);
    expect(await successes(clientsRegister, 'circuit_breaker_calls_total')).toEqual([
      'https://upstream 3',
    ]);
    expect(await successes(shared, 'inbound_circuit_breaker_calls_total')).toEqual(['gateway 2']);
    expect(await successes(shared, 'outbound_circuit_breaker_calls_total')).toEqual([
      'https://upstream 3',
    ]);
  });

  it('refuses a second collection under the same names, and leaves the register as it was', () => {
    const register = new Registry();
    const first = testRegistry(testClock());
    collectBreakerMetrics(first, { register, buckets: false });
    const before = register.getMetricsAsArray();
    let error: unknown;
    try {
      collectBreakerMetrics(testRegistry(testClock()), { register });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe('prefix');
    expect((error as Error).message).toContain('"circuit_breaker_state" is registered already');
    expect(register.getMetricsAsArray()).toEqual(before);
    expect(register.getSingleMetric('circuit_breaker_call_duration_seconds')).toBeUndefined();
  });

  it('works on an OpenMetrics register', async () => {
    const registry = testRegistry(testClock());
    settle(registry.get('a'), 1, 'success');
    const register = new Registry<OpenMetricsContentType>();
    register.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    collectBreakerMetrics(registry, { register });
    const { contentType, body } = await (await serveMetrics(register)).fetch();
    expect(contentType).toBe(Registry.OPENMETRICS_CONTENT_TYPE);
    expect(body).toContain('# TYPE circuit_breaker_calls counter');
    expect(body).toContain('circuit_breaker_calls_total{name="a",result="success"} 1');
    expect(body.endsWith('# EOF\n')).toBe(true);
  });
});

describe('the returned function', () => {
  it('removes every metric and stops listening; calling it again does nothing', async () => {
    const clock = testClock();
    const registry = testRegistry(clock);
    const breaker = registry.get('a');
    const register = new Registry();
    const other = new Registry();
    const stop = collectBreakerMetrics(registry, { register });
    collectBreakerMetrics(registry, { register: other, buckets: false });
    const endpoint = await serveMetrics(register);
    expect((await endpoint.scrape()).size).toBe(allFamilies.length);

    stop();
    expect((await endpoint.scrape()).size).toBe(0);
    stop();
    // The breaker no longer reports durations: it reads no clock for this collector.
    clock.reads = 0;
    settle(breaker, 5, 'success');
    expect(clock.reads).toBe(0);
    // The other collection goes on, and the names are free again.
    expect((await (await serveMetrics(other)).scrape()).size).toBe(allFamilies.length - 1);
    collectBreakerMetrics(registry, { register });
    expect((await endpoint.scrape()).size).toBe(allFamilies.length);
  });

  it('leaves alone a metric registered under one of its names after it was removed', () => {
    const register = new Registry();
    const stop = collectBreakerMetrics(testRegistry(testClock()), { register });
    register.removeSingleMetric('circuit_breaker_state');
    const theirs = { name: 'circuit_breaker_state' };
    register.registerMetric(theirs as never);
    stop();
    expect(register.getSingleMetric('circuit_breaker_state')).toBe(theirs);
    expect(register.getMetricsAsArray()).toHaveLength(1);
  });
});
