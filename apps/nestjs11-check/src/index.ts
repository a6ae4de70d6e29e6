/**
 * @module
 * The application the Nest 11 check runs: a provider method with a fallback, controller routes
 * with `@CircuitBreaker()` above and below `@Get()`, and a terminus health endpoint, written
 * against the built `@tripswitch/nestjs` as a Nest 11 user would write them.
 */
export { CheckController, HealthController, Quotes } from './check-app.ts';
