// The names the examples of packages/prometheus/README.md use without declaring them (each
// example is compiled as a module of its own): what an earlier example set up or imported.
import type * as core from '@tripswitch/core';
import type * as tripswitchPrometheus from '@tripswitch/prometheus';

declare global {
  const breakers: core.BreakerRegistry;
  const collectBreakerMetrics: typeof tripswitchPrometheus.collectBreakerMetrics;
}
