// Operator actions are fleet-wide: isolate(), reset() and disable() on one replica, and the
// dashboard's buttons on one replica, reach every replica sharing the store. Three replicas in
// one test process, each with its own client, store, registry and dashboard on its own port.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CircuitState } from '@tripswitch/core';
import { controlHeader, dashboardHandler } from '@tripswitch/dashboard';
import { afterAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { BreakerRegistry, RedisBreakerStore } from '../src/index.ts';
import { adminClient } from './support/admin.ts';
import { type ClientKind, clientKinds, connectClient } from './support/clients.ts';
import { until } from './support/waiting.ts';

const url = inject('redisUrl');
const admin = adminClient(url);
afterAll(() => admin.disconnect());
let names = 0;

interface Replica {
  registry: BreakerRegistry;
  store: RedisBreakerStore;
  /** The base URL of its dashboard. */
  dashboard: string;
}

async function replica(kind: ClientKind, prefix: string): Promise<Replica> {
  const { client, close } = await connectClient(kind, url);
  const store = new RedisBreakerStore({ client, prefix });
  const registry = new BreakerRegistry({ store, defaults: { minimumCalls: 1 } });
  const handler = dashboardHandler(registry, { controls: true, authorize: () => true });
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    handler.close();
    await new Promise((resolve) => server.close(resolve));
    for (const breaker of registry.list()) registry.delete(breaker.name);
    await store.close();
    await close();
  });
  const { port } = server.address() as AddressInfo;
  return { registry, store, dashboard: `http://127.0.0.1:${port}` };
}

describe.each(clientKinds)('with %s, an operator action on one replica', (kind) => {
  const prefix = `operator:${kind.replace(' ', '')}:`;

  async function fleet(name: string) {
    const replicas = [
      await replica(kind, prefix),
      await replica(kind, prefix),
      await replica(kind, prefix),
    ];
    for (const { registry } of replicas) registry.get(name);
    await until(() => expect(replicas.every((r) => r.store.available)).toBe(true));
    const everywhere = (state: CircuitState) =>
      until(() =>
        expect(replicas.map((r) => r.registry.get(name).state)).toEqual([state, state, state]),
      );
    return { replicas, everywhere };
  }

  it('reaches every replica: isolate, disable and reset on each in turn', async () => {
    const name = `actions-${names++}`;
    const { replicas, everywhere } = await fleet(name);
    for (const [i, { registry }] of replicas.entries()) {
      registry.get(name).isolate();
      await everywhere('forced-open');
      registry.get(name).disable();
      await everywhere('disabled');
      (replicas[(i + 1) % 3] as Replica).registry.get(name).reset();
      await everywhere('closed');
    }
  });

  it('reaches every replica from the dashboard’s buttons', async () => {
    const name = `buttons-${names++}`;
    const { replicas, everywhere } = await fleet(name);
    const press = async (replica: Replica, action: 'isolate' | 'reset') => {
      const response = await fetch(`${replica.dashboard}/${action}?name=${name}`, {
        method: 'POST',
        headers: { [controlHeader]: '1' },
      });
      expect(response.status).toBe(200);
    };
    await press(replicas[0] as Replica, 'isolate');
    await everywhere('forced-open');
    await press(replicas[2] as Replica, 'reset');
    await everywhere('closed');
    // And the pages of the other replicas show it.
    await press(replicas[1] as Replica, 'isolate');
    await until(async () => {
      const snapshot = (await (
        await fetch(`${(replicas[2] as Replica).dashboard}/snapshot`)
      ).json()) as {
        breakers: { name: string; state: string }[];
      };
      expect(snapshot.breakers.find((b) => b.name === name)?.state).toBe('forced-open');
    });
  });
});
