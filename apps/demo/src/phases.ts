import type { BreakerRegistry } from '@tripswitch/core';
import type { Phase } from './scenario.ts';

/** How {@link demoPhases} is paced; tests shorten it. */
export interface Pace {
  /** Multiplies every phase's length. @defaultValue 1 */
  scale?: number;
  /** How long a healthy answer takes. @defaultValue 20 */
  healthyMs?: number;
  /** How long a failing answer takes. @defaultValue 600 */
  failingMs?: number;
}

/**
 * The demo's script: a healthy upstream, then one that fails every call slowly (600 ms, as a
 * struggling service does), then a recovered one, until every circuit has closed again.
 */
export function demoPhases(registries: readonly BreakerRegistry[], pace: Pace = {}): Phase[] {
  const { scale = 1, healthyMs = 20, failingMs = 600 } = pace;
  const healthy = {
    failureRate: 0,
    latencyMs: healthyMs,
    outage: false,
    retryAfterSeconds: undefined,
  };
  const allClosed = () => registries.every((r) => r.list().every((b) => b.state === 'closed'));
  return [
    {
      name: 'healthy',
      chaos: healthy,
      description: `answers in ${healthyMs} ms`,
      minMs: 3_000 * scale,
      maxMs: 3_000 * scale,
    },
    {
      name: 'failing',
      chaos: { failureRate: 1, latencyMs: failingMs },
      description: `every call fails after ${failingMs} ms`,
      minMs: 8_000 * scale,
      maxMs: 8_000 * scale,
    },
    {
      name: 'recovered',
      chaos: healthy,
      description: `answers in ${healthyMs} ms again`,
      minMs: 2_000 * scale,
      maxMs: 20_000 * scale,
      done: allClosed,
    },
  ];
}
