import type { Random } from './random.ts';

/** What the service answers to one call. */
export interface Response {
  /** Whether the call succeeded. */
  readonly ok: boolean;
  /** How long the answer took, in milliseconds. */
  readonly latencyMs: number;
}

/**
 * A service model: the answer to a call the service receives at `time` (virtual milliseconds),
 * drawing any chance from `random`, a sequence seeded for that call alone.
 */
export type Service = (time: number, random: Random) => Response;

/** How long a healthy call takes, in milliseconds. */
export const healthyLatencyMs = 20;
/** The range of a failing call's latency, in milliseconds: a down service refuses at once. */
export const failingLatencyMs: { readonly min: number; readonly max: number } = { min: 1, max: 5 };

const healthyResponse: Response = { ok: true, latencyMs: healthyLatencyMs };

/** A healthy service: every call succeeds in {@link healthyLatencyMs}. */
export const healthy: Service = () => healthyResponse;

/** A service that is down: every call fails fast, in 1 to 5 ms (uniform, whole milliseconds). */
export const down: Service = (_time, random) => ({
  ok: false,
  latencyMs:
    failingLatencyMs.min + Math.floor(random() * (failingLatencyMs.max - failingLatencyMs.min + 1)),
});

/**
 * A service where each call fails with probability `failureRate` (as {@link down}) and
 * succeeds otherwise (as {@link healthy}).
 *
 * @example
 * ```ts
 * const noisy = flaky(0.05); // 5 % of calls fail at random
 * ```
 */
export function flaky(failureRate: number): Service {
  if (!(failureRate >= 0 && failureRate <= 1)) {
    throw new RangeError(`flaky(failureRate): expected a number in [0, 1], got ${failureRate}`);
  }
  return (time, random) => (random() < failureRate ? down(time, random) : healthy(time, random));
}

/** A service that answers every call successfully, but only after `latencyMs`. */
export function slow(latencyMs: number): Service {
  const response: Response = { ok: true, latencyMs };
  return () => response;
}

/** From `from` (virtual milliseconds) on, the service behaves as `service`. */
export interface Phase {
  readonly from: number;
  readonly service: Service;
}

/**
 * A service that changes over time: `initial` until the first phase begins, then each phase's
 * service in turn.
 *
 * @example
 * ```ts
 * // healthy for a minute, then down
 * const outage = phases(healthy, { from: 60_000, service: down });
 * ```
 */
export function phases(initial: Service, ...changes: readonly Phase[]): Service {
  for (let i = 1; i < changes.length; i++) {
    if ((changes[i] as Phase).from < (changes[i - 1] as Phase).from) {
      throw new RangeError('phases(): the phases must be in order of their start');
    }
  }
  return (time, random) => {
    let service = initial;
    for (const change of changes) {
      if (time < change.from) break;
      service = change.service;
    }
    return service(time, random);
  };
}
