/**
 * @module
 * `@tripswitch/dashboard`: a live page of every circuit breaker in a registry, for people who
 * would rather look than read. One plain request handler for node:http, Express and NestJS; the
 * page updates over server-sent events, needs no build step and loads no external asset, so it
 * works offline. Read-only by default; `controls: true` (with `authorize`) adds isolate and
 * reset buttons.
 *
 * @example
 * ```ts
 * import { BreakerRegistry } from '@tripswitch/core';
 * import { dashboardHandler } from '@tripswitch/dashboard';
 *
 * const registry = new BreakerRegistry();
 * app.use('/breakers', dashboardHandler(registry)); // Express: open http://localhost:3000/breakers/
 * ```
 */
export { controlHeader } from './controls.ts';
export { type DashboardHandler, dashboardHandler } from './dashboard-handler.ts';
export type { ControlAction, ControlRequest, DashboardOptions } from './options.ts';
export type { BreakerView, DashboardSnapshot, Rates } from './snapshot.ts';
