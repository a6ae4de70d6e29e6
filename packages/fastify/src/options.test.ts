// Every option is checked when the plugin is registered (or a route declared); a bad one fails
// with an InvalidOptionError naming it, its value and what is allowed.
import { BreakerRegistry, isInvalidOptionError } from '@tripswitch/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { type BreakerPluginOptions, breakerPlugin, circuitsHealth } from './index.ts';

async function registrationError(options: unknown): Promise<{ option: string; message: string }> {
  const app = Fastify();
  try {
    await app.register(breakerPlugin, options as BreakerPluginOptions);
  } catch (error) {
    if (isInvalidOptionError(error)) return error;
    throw error;
  } finally {
    await app.close();
  }
  throw new Error('the registration did not fail');
}

describe('breakerPlugin options', () => {
  const key = () => 'k';

  it.each([
    [{ isResultFailure: () => true }, 'isResultFailure', /judged by its response status/],
    [{ timeoutMs: 1_000 }, 'timeoutMs', /handlerTimeout/],
    [{ fallback: () => 'cached' }, 'fallback', /onOpen/],
    [{ store: {} }, 'store', /registry: new BreakerRegistry\(\{ store \}\)/],
    [{ nmae: 'typo' }, 'nmae', /no such option; allowed: name, key, isFailure, onOpen/],
    [{ name: '' }, 'name', /a non-empty string/],
    [{ name: 42 }, 'name', /a non-empty string/],
    [{ key: 'path' }, 'key', /a function/],
    [{ key, name: 'payments' }, 'name', /nothing alongside key/],
    [{ key, maxKeys: 0 }, 'maxKeys', /an integer >= 1/],
    [{ key, maxKeys: 2.5 }, 'maxKeys', /an integer >= 1/],
    [{ key, maxKeys: '100' }, 'maxKeys', /an integer >= 1/],
    [{ key, maxKeys: 100, registry: new BreakerRegistry() }, 'maxKeys', /maxBreakers/],
    [{ registry: {} }, 'registry', /a BreakerRegistry/],
    [{ registry: new Map() }, 'registry', /a BreakerRegistry/],
    [{ isFailure: 500 }, 'isFailure', /a function/],
    [{ onOpen: 'sorry' }, 'onOpen', /a function/],
    [{ problem: { title: 'Busy' } }, 'problem', /a function \(error, problem\) => body/],
    [{ failureRateThreshold: 0 }, 'failureRateThreshold', /a percentage in \(0, 100\]/],
    [{ slowCallDurationMs: -1 }, 'slowCallDurationMs', /milliseconds > 0/],
    [{ window: { type: 'count', size: 0 } }, 'window.size', /an integer >= 1/],
    [{ bulkhead: { maxConcurrent: 1, maxQueue: -1 } }, 'bulkhead.maxQueue', /an integer >= 0/],
    [{ clock: {} }, 'clock', /now\(\)/],
  ])('rejects %j, naming %s', async (options, option, expected) => {
    const error = await registrationError(options);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(expected);
  });

  it('names the circuit in a bad breaker option', async () => {
    const error = await registrationError({ name: 'payments', minimumCalls: 0 });
    expect(error.message).toBe(
      'Invalid option "minimumCalls" of circuit "payments": got 0; expected an integer >= 1',
    );
  });

  it('accepts every kind of option together, and what Fastify reads from register()', async () => {
    const app = Fastify();
    await app.register(breakerPlugin, {
      key: (request) => request.url,
      maxKeys: 10,
      isFailure: (status) => status >= 400,
      onOpen: (_request, reply) => reply.code(429).send(),
      problem: (error, problem) => ({ ...problem, breaker: error.breakerName }),
      window: { type: 'time', durationMs: 10_000 },
      minimumCalls: 5,
      failureRateThreshold: 25,
      slowCallDurationMs: 2_000,
      openDurationMs: { initialMs: 500, maxMs: 10_000 },
      halfOpenMaxCalls: 1,
      halfOpenTimeoutMs: 5_000,
      consecutiveFailures: 3,
      slowCallRateThreshold: 80,
      bulkhead: { maxConcurrent: 10, maxQueue: 5, queueTimeoutMs: 1_000 },
      clock: { now: () => 0 },
      logLevel: 'warn',
    });
    await app.close();
  });

  it('creates its breaker in a given registry when registered', async () => {
    const registry = new BreakerRegistry();
    const app = Fastify();
    await app.register(breakerPlugin, { registry, name: 'orders' });
    expect(registry.list().map((breaker) => breaker.name)).toEqual(['orders']);
    expect(app.breakers).toBe(registry);
    await app.close();
  });
});

describe('circuitsHealth options', () => {
  it.each([
    [null, 'options', /an object/],
    [{ degradedStatus: 199 }, 'degradedStatus', /from 200 to 599/],
    [{ degradedStatus: 600 }, 'degradedStatus', /from 200 to 599/],
    [{ degradedStatus: 503.5 }, 'degradedStatus', /from 200 to 599/],
    [{ degradedStatus: '503' }, 'degradedStatus', /from 200 to 599/],
    [{ registry: { health: 'ok' } }, 'registry', /a BreakerRegistry/],
    [{ registery: new BreakerRegistry() }, 'registery', /allowed: registry, degradedStatus/],
  ])('rejects %j, naming %s', (options, option, expected) => {
    let thrown: unknown;
    try {
      circuitsHealth(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(isInvalidOptionError(thrown) && thrown.option).toBe(option);
    expect((thrown as Error).message).toMatch(expected);
  });
});
