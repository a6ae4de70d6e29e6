/**
 * @module
 * `@tripswitch/prometheus`: the circuit breakers of a `BreakerRegistry` as Prometheus metrics,
 * through prom-client. Values are read from the breakers when Prometheus scrapes; the package
 * also ships example alert rules (`alerts/tripswitch.rules.yml`) and a Grafana dashboard
 * (`grafana/tripswitch-dashboard.json`) that use these metrics.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { BreakerRegistry } from '@tripswitch/core';
 * import { collectBreakerMetrics } from '@tripswitch/prometheus';
 * import { register } from 'prom-client';
 *
 * const breakers = new BreakerRegistry();
 * collectBreakerMetrics(breakers); // on prom-client's global register
 *
 * const app = express();
 * app.get('/metrics', async (_req, res) => {
 *   res.set('content-type', register.contentType).send(await register.metrics());
 * });
 * ```
 */
export { collectBreakerMetrics } from './collect-breaker-metrics.ts';
export type { BreakerMetricsOptions, MetricsRegister } from './options.ts';
export { stateCodes } from './state-code.ts';
