import * as core from '@tripswitch/core';
import { expect, it } from 'vitest';
import * as fastify from './index.ts';

it('exports exactly the public API, with no default export', () => {
  expect(Object.keys(fastify).sort()).toEqual([
    'BreakerRegistry',
    'BulkheadFullError',
    'CircuitOpenError',
    'breakerPlugin',
    'circuitsHealth',
    'isBulkheadFullError',
    'isCircuitOpenError',
  ]);
});

it("re-exports the core's own classes and guards, not copies", () => {
  expect(fastify.BreakerRegistry).toBe(core.BreakerRegistry);
  expect(fastify.CircuitOpenError).toBe(core.CircuitOpenError);
  expect(fastify.BulkheadFullError).toBe(core.BulkheadFullError);
  expect(fastify.isCircuitOpenError).toBe(core.isCircuitOpenError);
  expect(fastify.isBulkheadFullError).toBe(core.isBulkheadFullError);
});

it('is a plugin Fastify applies to the scope it is registered in, named for its errors', () => {
  const plugin = fastify.breakerPlugin as unknown as Record<symbol, unknown>;
  expect(plugin[Symbol.for('skip-override')]).toBe(true);
  expect(plugin[Symbol.for('fastify.display-name')]).toBe('@tripswitch/fastify');
  expect(plugin[Symbol.for('plugin-meta')]).toEqual({
    name: '@tripswitch/fastify',
    fastify: '5.x',
  });
});
