// @tripswitch/prometheus with prom-client.
import { BreakerRegistry } from '@tripswitch/core';
import { collectBreakerMetrics, stateCodes } from '@tripswitch/prometheus';
import { Registry } from 'prom-client';

export function metrics(): () => void {
  const register = new Registry();
  const closed: number = stateCodes.closed;
  void closed;
  // @ts-expect-error: a registry of breakers, not of metrics
  collectBreakerMetrics(register);
  return collectBreakerMetrics(new BreakerRegistry(), { register, buckets: false });
}
