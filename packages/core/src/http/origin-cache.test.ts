import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cachedOrigin, originCacheLimit } from './origin-cache.ts';

// What originOf gave before the memory: the parser's answer for the whole URL.
function parsedOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return undefined;
  }
}

describe('cachedOrigin', () => {
  it.each([
    ['https://api.example.com/v1/users?id=1', 'https://api.example.com'],
    ['https://api.example.com:443/x', 'https://api.example.com'],
    ['HTTP://API.Example.COM/', 'http://api.example.com'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['http://h:0081?q', 'http://h:81'],
    ['wss://h\\path', 'wss://h'],
    ['http://ex%41mple.com/', 'http://example.com'],
  ])('reads %s as %s', (url, origin) => {
    expect(cachedOrigin(url)).toBe(origin);
    expect(cachedOrigin(url)).toBe(origin);
  });

  it.each([
    ' http://a.example/',
    'http://a.example /',
    'http://user:secret@a.example/',
    'http:///a.example',
    'http:/a.example',
    'http://a.\texample/',
    'http://a.example:99999/',
    'http://',
    'ftp://a.example/',
    '/relative',
    `http://${'a'.repeat(400)}.example/`,
  ])('leaves %j to the parser', (url) => {
    expect(cachedOrigin(url)).toBeUndefined();
  });

  it('agrees with the parser on any string', () => {
    const piece = fc.constantFrom(
      'http',
      'HTTPS',
      'ws',
      'wss',
      ':',
      '/',
      '//',
      '\\',
      '@',
      '?',
      '#',
      '%41',
      '[::1]',
      ':8080',
      ':0',
      ' ',
      '\t',
      '\n',
      '\u001a',
      'é',
      'a',
      'B.example',
      '.',
      '-',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const url = pieces.join('');
        const cached = cachedOrigin(url);
        if (cached !== undefined) expect(cached).toBe(parsedOrigin(url));
      }),
      { numRuns: 5_000 },
    );
  });

  it('tells apart hosts that begin like the last one seen', () => {
    expect(cachedOrigin('http://a.example/x')).toBe('http://a.example');
    expect(cachedOrigin('http://a.example.evil/x')).toBe('http://a.example.evil');
    expect(cachedOrigin('http://a.example:8080/x')).toBe('http://a.example:8080');
    expect(cachedOrigin('http://a.example?q')).toBe('http://a.example');
    expect(cachedOrigin('http://a.example@b.example/')).toBeUndefined();
    expect(cachedOrigin('http://a.example')).toBe('http://a.example');
  });

  it('stays bounded under a flood of hosts, and still answers', () => {
    for (let i = 0; i < originCacheLimit * 4 + 7; i++) {
      expect(cachedOrigin(`http://host-${i}.example/x`)).toBe(`http://host-${i}.example`);
    }
    expect(cachedOrigin('http://host-0.example/y')).toBe('http://host-0.example');
  });
});
