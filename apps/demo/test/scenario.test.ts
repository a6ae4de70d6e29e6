// The demo's scenario on a virtual clock: the breakers and the phases read it, so the run takes
// no real time beyond the HTTP round trips, and its outcome does not depend on the machine.
import { afterEach, expect, it } from 'vitest';
import { demoPhases } from '../src/phases.ts';
import { runScenario } from '../src/scenario.ts';
import { type DemoSystem, startDemoSystem } from '../src/setup.ts';
import type { Timing } from '../src/timing.ts';

let system: DemoSystem | undefined;
afterEach(async () => {
  await system?.close();
});

it('opens every protected circuit during the failure, spares the upstream, and closes after recovery', async () => {
  let now = 0;
  const timing: Timing = {
    now: () => now,
    async sleep(ms) {
      now += ms;
      await new Promise(setImmediate);
    },
  };
  // No call waits as long as the clients' deadline while the test runs (its own limit catches a
  // hang), so no deadline races the sockets on a busy machine.
  system = await startDemoSystem({ clock: { now: () => now }, upstreamTimeoutMs: 60_000 });
  const phases = demoPhases([...system.registries.values()], {
    scale: 0.5,
    healthyMs: 0,
    failingMs: 0,
  });
  const result = await runScenario({
    timing,
    upstream: system.upstream,
    clients: system.clients,
    registries: system.registries,
    phases,
    intervalMs: 100,
    overlap: false,
  });

  const transitions = result.timeline
    .filter((e) => e.source !== 'upstream' && e.source !== 'demo')
    .map((e) => `${e.source}: ${e.text}`);
  // The HTTP clients' breakers are named by the upstream's origin (shown as `upstream`); the gRPC
  // client's by the service it calls.
  const breakers: Record<string, string> = {
    'Express gateway': 'upstream',
    'Fastify gateway': 'upstream',
    'Hono gateway': 'upstream',
    NestJS: 'upstream',
    'got client': 'upstream',
    'fetch client': 'upstream',
    'gRPC client': '/shop.Inventory',
  };
  for (const [source, breaker] of Object.entries(breakers)) {
    const mine = transitions.filter((t) => t.startsWith(source));
    expect(mine[0]).toBe(`${source}: ${breaker}: closed → open (failure-rate)`);
    expect(mine.at(-1)).toBe(`${source}: ${breaker}: half-open → closed (trials-succeeded)`);
  }
  const failing = result.reached.get('failing');
  const calls = result.calls.filter((c) => c.phase === 'failing' && c.client === 'got, no breaker');
  expect(failing?.get('got, no breaker')).toBe(calls.length * 2); // each call and its retry
  expect(failing?.get('got + breaker')).toBeLessThan(calls.length / 2);
  expect(failing?.get('Express gateway → axios')).toBeLessThan(calls.length / 2);
  expect(failing?.get('Fastify gateway → fetch')).toBeLessThan(calls.length / 2);
  expect(failing?.get('Hono gateway → fetch')).toBeLessThan(calls.length / 2);
  expect(failing?.get('NestJS → got')).toBeLessThan(calls.length / 2);
  expect(failing?.get('fetch + breaker')).toBeLessThan(calls.length / 2);
  expect(failing?.get('gRPC + breaker')).toBeLessThan(calls.length / 2);
  for (const registry of system.registries.values()) {
    expect(registry.list().every((b) => b.state === 'closed')).toBe(true);
  }
});
