import { BreakerRegistry, isInvalidOptionError } from '@tripswitch/core';
import { expect, it } from 'vitest';
import { cutNameEnd, longNames } from './long-names.ts';

/** The breaker names a served health report listed, and how long the whole answer was. */
export type HealthReport = (
  registry: BreakerRegistry,
  options?: { maxNameLength?: number },
) => Promise<{ names: string[]; length: number }>;

/**
 * The tests every adapter's `circuitsHealth()` passes with long breaker names, each over its own
 * framework: `report` serves a health endpoint for a registry (and the options) and reads it.
 */
export function itCutsLongNames(report: HealthReport): void {
  const { shared, long, alike } = longNames;

  it('cuts a 16 KB name to 120 units, apart from another that starts alike', async () => {
    const registry = new BreakerRegistry();
    for (const name of ['payments', long, alike]) registry.get(name);

    const { names, length } = await report(registry);

    const [short, first, second] = names;
    expect(short).toBe('payments');
    for (const name of [first, second]) {
      expect(name).toHaveLength(120);
      expect(name).toMatch(cutNameEnd);
      expect(name?.startsWith(shared.slice(0, 103))).toBe(true);
    }
    expect(first).not.toBe(second);
    expect(length).toBeLessThan(1_000);
  });

  it('cuts to maxNameLength when given', async () => {
    const registry = new BreakerRegistry();
    for (const name of [long, 'x'.repeat(40), 'payments']) registry.get(name);

    const { names } = await report(registry, { maxNameLength: 40 });

    expect(names[0]).toHaveLength(40);
    expect(names[0]).toMatch(cutNameEnd);
    expect(names.slice(1)).toEqual(['x'.repeat(40), 'payments']);
  });
}

/** The test every adapter's `circuitsHealth()` passes: a bad `maxNameLength` is refused by name. */
export function itRefusesBadMaxNameLength(
  circuitsHealth: (options: { maxNameLength: number }) => unknown,
): void {
  it.each([31, 65_537, 1.5, '120'])('refuses maxNameLength: %j', (value) => {
    let thrown: unknown;
    try {
      circuitsHealth({ maxNameLength: value as number });
    } catch (error) {
      thrown = error;
    }
    expect(isInvalidOptionError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ option: 'maxNameLength', value });
  });
}
