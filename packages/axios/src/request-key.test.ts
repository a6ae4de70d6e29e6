import axios, { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it, vi } from 'vitest';
import { originKey } from './request-key.ts';

const config = (extra: Partial<InternalAxiosRequestConfig>): InternalAxiosRequestConfig => ({
  headers: new AxiosHeaders(),
  ...extra,
});

describe('originKey', () => {
  it.each([
    [
      { url: '/users', baseURL: 'https://api.example.com:443/v1', params: { id: 1 } },
      'https://api.example.com',
    ],
    [{ url: 'users', baseURL: 'https://api.example.com/v1/' }, 'https://api.example.com'],
    [{ url: '@evil.example/x', baseURL: 'https://api.example.com' }, 'https://api.example.com'],
    [{ url: '', baseURL: 'http://api.example.com:8080' }, 'http://api.example.com:8080'],
    [{ baseURL: 'http://api.example.com:8080' }, 'http://api.example.com:8080'],
    [
      { url: 'http://other.example:8080/x', baseURL: 'https://api.example.com' },
      'http://other.example:8080',
    ],
    [{ url: 'HTTP://Other.Example/x' }, 'http://other.example'],
    [{ url: '//cdn.example/x', baseURL: 'https://api.example.com' }, undefined],
    [
      {
        url: 'http://other.example/x',
        baseURL: 'https://api.example.com',
        allowAbsoluteUrls: false,
      },
      'https://api.example.com',
    ],
    [{ url: 'http://other.example/x', allowAbsoluteUrls: false }, 'http://other.example'],
    [{ url: '/relative' }, undefined],
    [{ url: '/relative', baseURL: '/api' }, undefined],
    [{}, undefined],
  ])('%j → %s, the origin of what instance.getUri() builds', (request, origin) => {
    expect(originKey(config(request))).toBe(origin);
    // The same as reading the origin from axios's own full URL, wherever that has one.
    let fromAxios: string | undefined;
    try {
      fromAxios = new URL(axios.create().getUri(request)).origin;
    } catch {
      fromAxios = undefined;
    }
    expect(originKey(config(request))).toBe(fromAxios);
  });

  it('reads a URL object for url as axios does: its origin alone, nothing behind a baseURL', () => {
    const url = new URL('http://other.example:8080/x?y=1') as unknown as string;
    expect(originKey(config({ url }))).toBe('http://other.example:8080');
    // axios joins a baseURL only to a string, and rejects the request: there is no origin.
    expect(originKey(config({ url, baseURL: 'https://api.example.com' }))).toBeUndefined();
    expect(
      originKey(config({ url, baseURL: 'https://api.example.com', allowAbsoluteUrls: false })),
    ).toBeUndefined();
  });

  it('reads a relative URL against the page in a browser', () => {
    vi.stubGlobal('location', { href: 'https://app.example/dashboard' });
    expect(originKey(config({ url: '/api/items' }))).toBe('https://app.example');
    expect(originKey(config({ url: 'items', baseURL: '/api' }))).toBe('https://app.example');
  });
});
