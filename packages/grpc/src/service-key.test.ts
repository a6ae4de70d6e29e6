import { expect, it } from 'vitest';
import { serviceOf } from './service-key.ts';

it.each([
  ['/shop.Inventory/GetStock', '/shop.Inventory'],
  ['/grpc.health.v1.Health/Check', '/grpc.health.v1.Health'],
  ['/a/b/c', '/a/b'],
  ['/NoMethod', '/NoMethod'],
  ['plain', 'plain'],
])('the service of %s is %s', (path, key) => {
  expect(serviceOf(path)).toBe(key);
});

it.each([[''], [undefined], [null], [42]])('%j has no service: the call goes around', (path) => {
  expect(serviceOf(path)).toBeUndefined();
});
