import { CircuitBreaker } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { Attempts } from './attempts.ts';

describe('Attempts', () => {
  it('hands an attempt’s permit back once, and removes its abort listener', () => {
    const breaker = new CircuitBreaker();
    const attempts = new Attempts();
    const options = {};
    const permit = breaker.tryAcquire();
    const controller = new AbortController();
    let aborted = 0;
    expect(permit).not.toBeNull();
    expect(attempts.add(options, permit!, controller.signal, () => aborted++)).toBe(true);
    expect(attempts.has(options)).toBe(true);
    expect(attempts.take(options)).toBe(permit);
    expect(attempts.take(options)).toBeUndefined();
    controller.abort();
    expect(aborted).toBe(0);
  });

  it('calls onAbort when the signal aborts first', () => {
    const breaker = new CircuitBreaker();
    const attempts = new Attempts();
    const controller = new AbortController();
    let aborted = 0;
    attempts.add({}, breaker.tryAcquire()!, controller.signal, () => aborted++);
    controller.abort();
    expect(aborted).toBe(1);
  });

  it('refuses an attempt that already ended', () => {
    const breaker = new CircuitBreaker();
    const attempts = new Attempts();
    const options = {};
    expect(attempts.end(options)).toBeUndefined();
    expect(attempts.has(options)).toBe(true);
    expect(attempts.add(options, breaker.tryAcquire()!, undefined, () => {})).toBe(false);
    expect(attempts.take(options)).toBeUndefined();
  });

  it('ignores keys that are not objects', () => {
    const attempts = new Attempts();
    expect(attempts.take(undefined)).toBeUndefined();
    expect(attempts.take('options')).toBeUndefined();
  });
});
