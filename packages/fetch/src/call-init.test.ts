import { describe, expect, it } from 'vitest';
import { signalOf, withoutBreakerFlag } from './call-init.ts';

describe('signalOf', () => {
  const own = new AbortController().signal;
  const fromInit = new AbortController().signal;

  it('is the init’s signal when it has one, else the Request’s', () => {
    const request = new Request('https://api.example/', { signal: own });
    expect(signalOf(request, { signal: fromInit })).toBe(fromInit);
    expect(signalOf(request, {})).toBe(request.signal);
    expect(signalOf(request, undefined)).toBe(request.signal);
  });

  it('is null when the init says null, as fetch reads it', () => {
    expect(signalOf(new Request('https://api.example/'), { signal: null })).toBeNull();
  });

  it('is none for a string or a URL without an init signal', () => {
    expect(signalOf('https://api.example/', undefined)).toBeUndefined();
    expect(signalOf(new URL('https://api.example/'), {})).toBeUndefined();
    expect(signalOf('https://api.example/', { signal: fromInit })).toBe(fromInit);
  });
});

describe('withoutBreakerFlag', () => {
  it('takes the flag out and leaves the rest, the original untouched', () => {
    const init: RequestInit = { breaker: false, method: 'POST', headers: { a: '1' } };
    expect(withoutBreakerFlag(init)).toEqual({ method: 'POST', headers: { a: '1' } });
    expect(init.breaker).toBe(false);
  });
});
