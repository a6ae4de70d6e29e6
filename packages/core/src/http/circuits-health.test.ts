import { describe, expect, it } from 'vitest';
import { boundedName } from '../bounded-name.ts';
import { isInvalidOptionError } from '../errors.ts';
import { BreakerRegistry, type RegistryHealth } from '../registry.ts';
import { boundedHealth, checkCircuitsHealthOptions, combinedHealth } from './circuits-health.ts';

/** The InvalidOptionError `options` are refused with; fails the test when they are accepted. */
function refusal(options: unknown): { option: string; message: string } {
  try {
    checkCircuitsHealthOptions(options);
  } catch (error) {
    if (isInvalidOptionError(error)) return error;
    throw error;
  }
  throw new Error('the options were accepted');
}

describe('checkCircuitsHealthOptions', () => {
  it('applies the defaults: 503 and names of at most 120 units', () => {
    expect(checkCircuitsHealthOptions({})).toEqual({ degradedStatus: 503, maxNameLength: 120 });
    expect(
      checkCircuitsHealthOptions({ degradedStatus: undefined, maxNameLength: undefined }),
    ).toEqual({ degradedStatus: 503, maxNameLength: 120 });
  });

  it('returns what it was given', () => {
    const registry = new BreakerRegistry();
    expect(
      checkCircuitsHealthOptions({ registry, degradedStatus: 299, maxNameLength: 32 }),
    ).toEqual({ registry, degradedStatus: 299, maxNameLength: 32 });
    expect(checkCircuitsHealthOptions({ maxNameLength: 65_536 }).maxNameLength).toBe(65_536);
  });

  it.each([31, 65_537, 1.5, '120', null, Number.NaN])('refuses maxNameLength: %o', (value) => {
    const error = refusal({ maxNameLength: value });
    expect(error.option).toBe('maxNameLength');
    expect(error.message).toMatch(/an integer from 32 to 65536/);
  });

  it('lists maxNameLength among the options it allows', () => {
    expect(refusal({ maxNameLenght: 40 })).toMatchObject({
      option: 'maxNameLenght',
      message: expect.stringContaining(
        'no such option; allowed: registry, degradedStatus, maxNameLength',
      ),
    });
    expect(refusal('options').message).toContain(
      'an object { registry?, degradedStatus?, maxNameLength? }',
    );
  });
});

describe('boundedHealth', () => {
  const breaker = (name: string) => ({
    name,
    state: 'closed' as const,
    failureRate: 0,
    slowCallRate: 0,
    calls: 0,
    rejected: 0,
  });
  const healthOf = (...names: string[]): RegistryHealth => ({
    status: 'degraded',
    overflows: 3,
    breakers: names.map(breaker),
  });

  it('returns the report itself when no name is over the limit', () => {
    const health = healthOf('payments', 'x'.repeat(40));
    expect(boundedHealth(health, 40)).toBe(health);
    const empty = healthOf();
    expect(boundedHealth(empty, 32)).toBe(empty);
  });

  it('cuts the long names and keeps the rest of the report', () => {
    const long = `/tenants/${'a'.repeat(16_000)}`;
    const health = healthOf('payments', long);
    const bounded = boundedHealth(health, 120);

    expect(bounded).toEqual({
      status: 'degraded',
      overflows: 3,
      breakers: [breaker('payments'), breaker(boundedName(long, 120))],
    });
    expect(bounded.breakers[0]).toBe(health.breakers[0]);
    expect(bounded.breakers[1]?.name).toHaveLength(120);
    expect(bounded.breakers[1]?.name).toMatch(/^\/tenants\/a+\u2026[0-9a-f]{16}$/);
    // The report it was given is left as it was.
    expect(health.breakers[1]?.name).toBe(long);
  });

  it('gives names that share their first units labels of their own', () => {
    const prefix = 'p'.repeat(10_000);
    const [first, second] = boundedHealth(healthOf(`${prefix}-one`, `${prefix}-two`), 40).breakers;
    expect(first?.name).toHaveLength(40);
    expect(second?.name).toHaveLength(40);
    expect(first?.name).not.toBe(second?.name);
  });

  it('bounds a report combined from several registries', () => {
    const a = new BreakerRegistry();
    const b = new BreakerRegistry();
    a.get('a'.repeat(200));
    b.get('b');
    expect(
      boundedHealth(combinedHealth([a, b]), 32).breakers.map(({ name }) => name.length),
    ).toEqual([32, 1]);
  });
});
