// The store tells the client libraries apart by shape: checked here on real, unconnected
// clients of every supported major.
import { isInvalidOptionError } from '@tripswitch/core';
import { Cluster as Cluster6, Redis as Redis6 } from 'ioredis';
import { Cluster as Cluster5, Redis as Redis5 } from 'ioredis5';
import { createClient as createClient6, createCluster as createCluster6 } from 'redis';
import { createClient as createClient5, createCluster as createCluster5 } from 'redis5';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connectionFor } from './connection-for.ts';

describe('connectionFor', () => {
  it.each([
    ['ioredis 6 Redis', () => new Redis6({ lazyConnect: true })],
    ['ioredis 5 Redis', () => new Redis5({ lazyConnect: true })],
    ['ioredis 6 Cluster', () => new Cluster6([], { lazyConnect: true })],
    ['ioredis 5 Cluster', () => new Cluster5([], { lazyConnect: true })],
  ])('recognises %s', (_, create) => {
    const client = create();
    onTestFinished(() => client.disconnect());
    expect(connectionFor(client, 100).kind).toBe('ioredis');
  });

  it.each([
    ['node-redis 6 client', () => createClient6()],
    ['node-redis 5 client', () => createClient5()],
    ['node-redis 6 cluster', () => createCluster6({ rootNodes: [] })],
    ['node-redis 5 cluster', () => createCluster5({ rootNodes: [] })],
  ])('recognises %s', (_, create) => {
    expect(connectionFor(create(), 100).kind).toBe('node-redis');
  });

  it.each([undefined, null, 'redis://localhost', {}, { get: () => 1 }])(
    'refuses %j, naming the option',
    (client) => {
      let error: unknown;
      try {
        connectionFor(client, 100);
      } catch (caught) {
        error = caught;
      }
      expect(isInvalidOptionError(error)).toBe(true);
      expect(error).toMatchObject({ option: 'client', message: expect.stringMatching(/ioredis/) });
    },
  );
});
