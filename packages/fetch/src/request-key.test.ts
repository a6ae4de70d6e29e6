import { afterEach, describe, expect, it, vi } from 'vitest';
import { keyRequest, originKey } from './request-key.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('originKey', () => {
  it.each([
    ['https://api.example.com:443/v1/users?id=1', 'https://api.example.com'],
    ['HTTP://API.Example.COM/', 'http://api.example.com'],
    ['http://127.0.0.1:8080/health', 'http://127.0.0.1:8080'],
    ['http://[::1]:3000/', 'http://[::1]:3000'],
  ])('%s → %s, as a string, a URL or a Request', (url, origin) => {
    expect(originKey(url)).toBe(origin);
    expect(originKey(new URL(url))).toBe(origin);
    expect(originKey(new Request(url))).toBe(origin);
  });

  it('has none for a relative URL outside a page: the call goes around the breaker', () => {
    expect(originKey('/api/items')).toBeUndefined();
    expect(originKey('http://')).toBeUndefined();
  });

  it('reads a relative URL against the page in a browser, or Deno with --location', () => {
    vi.stubGlobal('location', { href: 'https://app.example/dashboard' });
    expect(originKey('/api/items')).toBe('https://app.example');
    expect(originKey('https://other.example/x')).toBe('https://other.example');
  });

  it('has none when reading the page’s location throws, as Deno’s does without --location', () => {
    Object.defineProperty(globalThis, 'location', {
      configurable: true,
      get() {
        throw new ReferenceError('Access to "location", run again with --location <href>.');
      },
    });
    try {
      expect(originKey('/api/items')).toBeUndefined();
      expect(originKey('https://api.example/x')).toBe('https://api.example');
    } finally {
      Reflect.deleteProperty(globalThis, 'location');
    }
  });
});

describe('keyRequest', () => {
  it('carries the URL, method and headers of the call, init winning over a Request', () => {
    const input = new Request('https://api.example/a', {
      method: 'POST',
      headers: { 'x-tenant': 'acme', 'x-other': '1' },
      body: 'payload',
    });
    const plain = keyRequest(input, undefined);
    expect([plain.url, plain.method, plain.headers.get('x-tenant')]).toEqual([
      'https://api.example/a',
      'POST',
      'acme',
    ]);
    const overridden = keyRequest(input, { method: 'PUT', headers: { 'x-tenant': 'b' } });
    expect([overridden.method, overridden.headers.get('x-tenant')]).toEqual(['PUT', 'b']);
    expect(overridden.headers.get('x-other')).toBeNull();
  });

  it('has no body, and leaves the caller’s untouched', async () => {
    const input = new Request('https://api.example/a', { method: 'POST', body: 'payload' });
    const view = keyRequest(input, undefined);
    expect(view.body).toBeNull();
    expect(input.bodyUsed).toBe(false);
    expect(await input.text()).toBe('payload');
  });

  it('takes a URL or a string', () => {
    expect(keyRequest(new URL('https://api.example/u'), { method: 'DELETE' })).toMatchObject({
      url: 'https://api.example/u',
      method: 'DELETE',
    });
    expect(keyRequest('https://api.example/s', undefined)).toMatchObject({ method: 'GET' });
  });
});
