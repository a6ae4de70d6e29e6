import { describe, expect, it } from 'vitest';
import { attributeKeys, attributeValue } from './attributes.ts';

describe('attributes', () => {
  it('are namespaced under circuit_breaker, in lowercase snake_case', () => {
    for (const key of Object.values(attributeKeys)) {
      expect(key).toMatch(/^circuit_breaker(\.[a-z][a-z_]*)+$/);
    }
  });

  it("write the core's names with underscores", () => {
    expect(attributeValue('half-open')).toBe('half_open');
    expect(attributeValue('forced-open')).toBe('forced_open');
    expect(attributeValue('half-open-full')).toBe('half_open_full');
    expect(attributeValue('open-duration-elapsed')).toBe('open_duration_elapsed');
    expect(attributeValue('closed')).toBe('closed');
  });
});
