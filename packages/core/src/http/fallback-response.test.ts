import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInvalidOptionError } from '../errors.ts';
import { resolveFallbackResponse } from './fallback-response.ts';

describe('resolveFallbackResponse', () => {
  it('gives the body in bytes, headers in lower case, and content-length from the body', () => {
    expect(
      resolveFallbackResponse({
        statusCode: 200,
        headers: { 'Content-Type': 'application/json', 'X-Cache': ['stale', 'fallback'], Age: 5 },
        body: '{"stock":"é"}',
      }),
    ).toEqual({
      statusCode: 200,
      statusMessage: undefined,
      headers: {
        'content-type': 'application/json',
        'x-cache': ['stale', 'fallback'],
        age: '5',
        'content-length': '14',
      },
      body: new TextEncoder().encode('{"stock":"é"}'),
    });
  });

  it('replaces the framing headers a kept response carries: the body is whole and decoded', () => {
    const body = new Uint8Array([1, 2, 3]);
    const resolved = resolveFallbackResponse({
      statusCode: 503,
      statusMessage: 'Busy',
      headers: {
        'content-encoding': 'gzip',
        'Content-Length': '999',
        'transfer-encoding': 'chunked',
      },
      body,
    });
    expect(resolved.headers).toEqual({ 'content-length': '3' });
    expect(resolved.body).toBe(body);
    expect(resolved.statusMessage).toBe('Busy');
  });

  it('keeps a header named __proto__ as a header', () => {
    const headers = JSON.parse('{"__proto__": ["x"], "a": "b"}');
    const resolved = resolveFallbackResponse({ statusCode: 200, headers });
    expect(Object.getPrototypeOf(resolved.headers)).toBe(Object.prototype);
    expect(Object.hasOwn(resolved.headers, '__proto__')).toBe(true);
  });

  it.each([
    undefined,
    null,
    'cached',
    {},
    { statusCode: '200' },
    { statusCode: 200.5 },
    { statusCode: 199 },
    { statusCode: 600 },
    { statusCode: 200, statusMessage: 42 },
    { statusCode: 200, headers: null },
    { statusCode: 200, headers: { a: { b: 1 } } },
    { statusCode: 200, headers: { a: [1] } },
    { statusCode: 200, body: { data: 1 } },
    { statusCode: 200, body: 42 },
  ])('refuses %j, naming fallback', (value) => {
    expect(() => resolveFallbackResponse(value)).toThrow(
      /^Invalid option "fallback": got .*; expected a function returning \{ statusCode, statusMessage\?, headers\?, body\? \}/,
    );
  });

  it('either resolves or throws InvalidOptionError, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything({ withTypedArray: true, withNullPrototype: true }), (value) => {
        try {
          const resolved = resolveFallbackResponse(value);
          expect(resolved.headers['content-length']).toBe(String(resolved.body.byteLength));
        } catch (error) {
          expect(isInvalidOptionError(error)).toBe(true);
        }
      }),
    );
  });
});
