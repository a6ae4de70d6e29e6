import { describe, expect, it } from 'vitest';
import { originKey } from './dispatch-key.ts';

const request = (origin?: string | URL) =>
  origin === undefined
    ? { path: '/', method: 'GET' as const }
    : { origin, path: '/', method: 'GET' as const };

describe('originKey', () => {
  it('is the origin of the request’s origin option, a string or a URL', () => {
    expect(originKey(request('https://api.example:443'), undefined)).toBe('https://api.example');
    expect(originKey(request(new URL('http://127.0.0.1:8080/x')), undefined)).toBe(
      'http://127.0.0.1:8080',
    );
  });

  it('falls back on the origin of the dispatcher the interceptor was composed on', () => {
    expect(originKey(request(), 'http://pool.example:81')).toBe('http://pool.example:81');
    expect(originKey(request('http://a.example'), 'http://b.example')).toBe('http://a.example');
  });

  it('refuses to guess when there is neither, naming the key option', () => {
    expect(() => originKey(request(), undefined)).toThrow(/Invalid option "key"/);
    expect(() => originKey(request(), null)).toThrow(/compose on an Agent, or give `key`/);
  });
});
