import { describe, expect, it, vi } from 'vitest';
import { type ExponentialBackoffOptions, exponentialBackoff } from './backoff.ts';
import { InvalidOptionError } from './errors.ts';

/** The durations for attempts 1..n. */
function durations(options: ExponentialBackoffOptions, n: number): number[] {
  const backoff = exponentialBackoff(options);
  return Array.from({ length: n }, (_, i) => backoff(i + 1));
}

describe('exponentialBackoff', () => {
  it('returns initialMs for attempt 1', () => {
    expect(exponentialBackoff({ initialMs: 750, maxMs: 10_000 })(1)).toBe(750);
  });

  it('doubles per attempt by default', () => {
    expect(durations({ initialMs: 100, maxMs: 1_000_000 }, 5)).toEqual([100, 200, 400, 800, 1600]);
  });

  it('grows by the given factor', () => {
    expect(durations({ initialMs: 10, maxMs: 1_000_000, factor: 3 }, 4)).toEqual([10, 30, 90, 270]);
    expect(durations({ initialMs: 10, maxMs: 1_000, factor: 1.5 }, 3)).toEqual([10, 15, 22.5]);
  });

  it('stays at initialMs with a factor of 1', () => {
    expect(durations({ initialMs: 500, maxMs: 500, factor: 1 }, 4)).toEqual([500, 500, 500, 500]);
  });

  it('never exceeds maxMs, however many attempts', () => {
    const backoff = exponentialBackoff({ initialMs: 1_000, maxMs: 30_000 });
    expect([4, 5, 6, 7].map(backoff)).toEqual([8_000, 16_000, 30_000, 30_000]);
    expect(backoff(10_000)).toBe(30_000); // factor ** 9999 is Infinity: still capped
  });

  it('treats attempts below 1 as attempt 1 and rounds fractional attempts down', () => {
    const backoff = exponentialBackoff({ initialMs: 100, maxMs: 10_000 });
    expect(backoff(0)).toBe(100);
    expect(backoff(-3)).toBe(100);
    expect(backoff(2.9)).toBe(200);
  });

  it('adds no jitter unless asked, and does not call Math.random then', () => {
    const random = vi.spyOn(Math, 'random');
    expect(durations({ initialMs: 100, maxMs: 1_000 }, 3)).toEqual([100, 200, 400]);
    expect(durations({ initialMs: 100, maxMs: 1_000, jitter: 0 }, 3)).toEqual([100, 200, 400]);
    expect(random).not.toHaveBeenCalled();
  });

  describe('with jitter', () => {
    it.each([
      [0, 1_000],
      [0.5, 800],
      [0.999_999, 600.0004],
    ])('multiplies by 1 - jitter * random (random %s)', (random, expected) => {
      vi.spyOn(Math, 'random').mockReturnValue(random);
      const backoff = exponentialBackoff({ initialMs: 1_000, maxMs: 60_000, jitter: 0.4 });
      expect(backoff(1)).toBeCloseTo(expected, 6);
    });

    it('keeps every duration within [(1 - jitter) * base, base]', () => {
      const backoff = exponentialBackoff({ initialMs: 1_000, maxMs: 4_000, jitter: 0.25 });
      const random = vi.spyOn(Math, 'random');
      for (const r of [0, 0.1, 0.5, 0.9, 0.999_999]) {
        random.mockReturnValue(r);
        for (const [attempt, base] of [
          [1, 1_000],
          [2, 2_000],
          [3, 4_000],
          [9, 4_000],
        ] as const) {
          const ms = backoff(attempt);
          expect(ms).toBeGreaterThan(0.75 * base - 1e-9);
          expect(ms).toBeLessThanOrEqual(base);
        }
      }
    });

    it('applies jitter after the maxMs cap, so it can shorten a capped duration', () => {
      vi.spyOn(Math, 'random').mockReturnValue(0.5);
      const backoff = exponentialBackoff({ initialMs: 1_000, maxMs: 2_000, jitter: 0.5 });
      expect(backoff(5)).toBe(1_500);
    });

    it('stays above 0 with full jitter', () => {
      vi.spyOn(Math, 'random').mockReturnValue(0.999_999_9);
      const ms = exponentialBackoff({ initialMs: 1_000, maxMs: 1_000, jitter: 1 })(1);
      expect(ms).toBeGreaterThan(0);
    });

    it('draws a fresh random number for each attempt', () => {
      const random = vi.spyOn(Math, 'random').mockReturnValueOnce(0).mockReturnValueOnce(0.5);
      const backoff = exponentialBackoff({ initialMs: 1_000, maxMs: 1_000, jitter: 0.2 });
      expect([backoff(1), backoff(1)]).toEqual([1_000, 900]);
      expect(random).toHaveBeenCalledTimes(2);
    });
  });

  describe('validation', () => {
    type Case = [label: string, options: unknown, option: string, expected: string];
    const cases: Case[] = [
      ['no options', undefined, 'exponentialBackoff', 'an object'],
      ['null', null, 'exponentialBackoff', 'an object'],
      ['a number', 1000, 'exponentialBackoff', 'an object'],
      [
        'missing initialMs',
        { maxMs: 1000 },
        'exponentialBackoff.initialMs',
        '> 0 and <= 2147483647',
      ],
      [
        'initialMs 0',
        { initialMs: 0, maxMs: 1000 },
        'exponentialBackoff.initialMs',
        '> 0 and <= 2147483647',
      ],
      [
        'initialMs negative',
        { initialMs: -5, maxMs: 1000 },
        'exponentialBackoff.initialMs',
        '> 0 and <= 2147483647',
      ],
      [
        'initialMs NaN',
        { initialMs: Number.NaN, maxMs: 1000 },
        'exponentialBackoff.initialMs',
        '> 0 and <= 2147483647',
      ],
      [
        'initialMs Infinity',
        { initialMs: Number.POSITIVE_INFINITY, maxMs: Number.POSITIVE_INFINITY },
        'exponentialBackoff.initialMs',
        '> 0 and <= 2147483647',
      ],
      [
        'initialMs a string',
        { initialMs: '100', maxMs: 1000 },
        'exponentialBackoff.initialMs',
        '> 0 and <= 2147483647',
      ],
      ['missing maxMs', { initialMs: 100 }, 'exponentialBackoff.maxMs', '>= initialMs (100)'],
      [
        'maxMs below initialMs',
        { initialMs: 100, maxMs: 99 },
        'exponentialBackoff.maxMs',
        '>= initialMs (100)',
      ],
      [
        'maxMs Infinity',
        { initialMs: 100, maxMs: Number.POSITIVE_INFINITY },
        'exponentialBackoff.maxMs',
        '> 0 and <= 2147483647',
      ],
      [
        'factor below 1',
        { initialMs: 1, maxMs: 2, factor: 0.5 },
        'exponentialBackoff.factor',
        '>= 1',
      ],
      ['factor 0', { initialMs: 1, maxMs: 2, factor: 0 }, 'exponentialBackoff.factor', '>= 1'],
      [
        'factor Infinity',
        { initialMs: 1, maxMs: 2, factor: Number.POSITIVE_INFINITY },
        'exponentialBackoff.factor',
        'finite',
      ],
      [
        'factor NaN',
        { initialMs: 1, maxMs: 2, factor: Number.NaN },
        'exponentialBackoff.factor',
        '>= 1',
      ],
      [
        'factor a string',
        { initialMs: 1, maxMs: 2, factor: '2' },
        'exponentialBackoff.factor',
        '>= 1',
      ],
      [
        'jitter negative',
        { initialMs: 1, maxMs: 2, jitter: -0.1 },
        'exponentialBackoff.jitter',
        '[0, 1]',
      ],
      [
        'jitter above 1',
        { initialMs: 1, maxMs: 2, jitter: 1.5 },
        'exponentialBackoff.jitter',
        '[0, 1]',
      ],
      [
        'jitter NaN',
        { initialMs: 1, maxMs: 2, jitter: Number.NaN },
        'exponentialBackoff.jitter',
        '[0, 1]',
      ],
      [
        'jitter a boolean',
        { initialMs: 1, maxMs: 2, jitter: true },
        'exponentialBackoff.jitter',
        '[0, 1]',
      ],
      [
        'an unknown key',
        { initialMs: 1, maxMs: 2, inital: 5 },
        'exponentialBackoff.inital',
        'allowed: initialMs, maxMs, factor, jitter',
      ],
    ];

    it.each(cases)('rejects %s with InvalidOptionError', (_label, options, option, expected) => {
      let caught: unknown;
      try {
        exponentialBackoff(options as ExponentialBackoffOptions);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidOptionError);
      const error = caught as InvalidOptionError;
      expect(error.code).toBe('ERR_INVALID_OPTION');
      expect(error.option).toBe(option);
      expect(error.expected).toContain(expected);
      expect(error.message).toContain(`"${option}"`);
      expect(error.message).toContain(expected);
    });

    it('names the bad value in the error', () => {
      expect(() => exponentialBackoff({ initialMs: -250, maxMs: 1000 })).toThrow(/got -250;/);
    });

    it('accepts the edges: maxMs equal to initialMs, factor 1, jitter 0 and 1', () => {
      expect(() =>
        exponentialBackoff({ initialMs: 5, maxMs: 5, factor: 1, jitter: 0 }),
      ).not.toThrow();
      expect(() => exponentialBackoff({ initialMs: 5, maxMs: 5, jitter: 1 })).not.toThrow();
    });
  });
});
