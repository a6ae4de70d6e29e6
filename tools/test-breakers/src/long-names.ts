import type { RegistryHealth } from '@tripswitch/core';

/**
 * Breaker names as long as a key made of a request path can be: 16 KB each, `long` and `alike`
 * sharing their first 10 KB (`shared`), so a cut that kept only a prefix would give them one label.
 */
export const longNames = (() => {
  const shared = 'p'.repeat(10_000);
  return { shared, long: shared + 'a'.repeat(6_384), alike: shared + 'b'.repeat(6_384) };
})();

/** How a name cut by `maxNameLength` ends: `…` and 16 hexadecimal digits of the whole name. */
export const cutNameEnd = /\u2026[0-9a-f]{16}$/;

/** The breaker names of a health report's JSON `body`, and how long the whole answer was. */
export function healthNames(body: string): { names: string[]; length: number } {
  const health = JSON.parse(body) as RegistryHealth;
  return { names: health.breakers.map(({ name }) => name), length: body.length };
}
