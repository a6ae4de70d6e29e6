/**
 * @module
 * `@tripswitch/nestjs/terminus`: a `@nestjs/terminus` health indicator that reports every
 * breaker of the application. A separate entry point, so that the main one loads without
 * `@nestjs/terminus` installed.
 *
 * @example
 * ```ts
 * import { CircuitsHealthIndicator } from '@tripswitch/nestjs/terminus';
 *
 * @Get('health')
 * @HealthCheck()
 * check() {
 *   return this.health.check([() => this.circuits.isHealthy('circuits')]);
 * }
 * ```
 */
export {
  type CircuitsHealthCheckOptions,
  type CircuitsHealthDetails,
  CircuitsHealthIndicator,
} from './circuits-health-indicator.ts';
