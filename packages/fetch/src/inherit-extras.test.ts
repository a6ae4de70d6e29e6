import { describe, expect, it } from 'vitest';
import { inheritExtras } from './inherit-extras.ts';
import { withBreaker } from './with-breaker.ts';

describe('inheritExtras', () => {
  it('gives the wrapper what the wrapped fetch carries, as Bun’s fetch.preconnect()', () => {
    const preconnected: string[] = [];
    const bunLike = Object.assign(async () => new Response(), {
      preconnect: (url: string) => void preconnected.push(url),
    });
    const wrapped = withBreaker(bunLike) as typeof bunLike;
    wrapped.preconnect('https://api.example');
    expect(preconnected).toEqual(['https://api.example']);
  });

  it('keeps the wrapper’s own name and length, and copies no prototype', () => {
    function fetchLike(_input: unknown, _init?: unknown): void {}
    const wrapper = inheritExtras(async function wrapper(_input: unknown) {}, fetchLike);
    expect(wrapper.name).toBe('wrapper');
    expect(wrapper.length).toBe(1);
    expect(Object.hasOwn(wrapper, 'prototype')).toBe(false);
  });
});
