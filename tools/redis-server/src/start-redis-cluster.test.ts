import { afterAll, beforeAll, expect, it } from 'vitest';
import { rawCommand } from './raw-command.ts';
import { type RedisCluster, startRedisCluster } from './start-redis-cluster.ts';

let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(() => cluster?.stop());

it('starts three masters that share the slots', async () => {
  expect(cluster.nodes).toHaveLength(3);
  const slots = await rawCommand(cluster.nodes[0]?.port as number, [
    'CLUSTER',
    'COUNTKEYSINSLOT',
    '0',
  ]);
  expect(slots).toBe('0');
  for (const node of cluster.nodes) {
    const info = await rawCommand(node.port, ['CLUSTER', 'INFO']);
    expect(info).toMatch(/cluster_state:ok/);
    expect(info).toMatch(/cluster_slots_assigned:16384/);
    expect(info).toMatch(/cluster_known_nodes:3/);
  }
  expect(cluster.nodeForSlot(0)).toBe(cluster.nodes[0]);
  expect(cluster.nodeForSlot(16_383)).toBe(cluster.nodes[2]);
});

it('brings a killed master back with its slots', { timeout: 60_000 }, async () => {
  const node = cluster.nodes[1] as (typeof cluster.nodes)[number];
  await node.kill();
  await node.restart();
  await cluster.ready();
  expect(await rawCommand(node.port, ['CLUSTER', 'INFO'])).toMatch(/cluster_state:ok/);
});
