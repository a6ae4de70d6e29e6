import { expect, it } from 'vitest';
import { safeJson } from './respond.ts';

it('writes JSON in which no breaker name reads as markup, and that parses back unchanged', () => {
  const value = { name: '<img src=x onerror=alert(1)>&</script>\u2028\u2029"\n' };
  const json = safeJson(value);
  expect(json).not.toMatch(/[<>&\u2028\u2029\n]/);
  expect(json).toContain('\\u003cimg');
  expect(JSON.parse(json)).toEqual(value);
});
