import { describe, expect, it } from 'vitest';
import { BreakerRegistry, isBreakerRegistry } from './index.ts';

// Every package recognises a registry it is given with isBreakerRegistry, so it must say yes to
// a registry from any copy of core and no to anything an adapter could not use.

const methods = ['get', 'has', 'list', 'stats', 'health', 'on', 'isolate', 'reset'];

/** An object with the registry's methods, as another copy of the package would build it. */
function lookalike(omit?: string): Record<string, unknown> {
  return Object.fromEntries(methods.filter((m) => m !== omit).map((m) => [m, () => undefined]));
}

describe('isBreakerRegistry', () => {
  it('recognises a registry, and one from another copy of the package', () => {
    expect(isBreakerRegistry(new BreakerRegistry())).toBe(true);
    expect(isBreakerRegistry(lookalike())).toBe(true);
  });

  it.each(methods)('says no to an object without %s', (method) => {
    expect(isBreakerRegistry(lookalike(method))).toBe(false);
  });

  it('says no to what is no object', () => {
    for (const value of [undefined, null, 0, 'registry', Symbol('r'), () => undefined]) {
      expect(isBreakerRegistry(value)).toBe(false);
    }
  });

  it('says no, without throwing, to an object whose properties throw when read', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(isBreakerRegistry(hostile)).toBe(false);
    const getter = Object.defineProperty(lookalike('get'), 'get', {
      get() {
        throw new Error('getter');
      },
    });
    expect(isBreakerRegistry(getter)).toBe(false);
  });
});
