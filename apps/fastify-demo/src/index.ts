/**
 * @module
 * The Fastify demo: a gateway guarded by `@tripswitch/fastify` that calls the upstream through
 * fetch with `@tripswitch/fetch`, with the dashboard and Prometheus metrics mounted.
 */
export { createGateway, type GatewayOptions } from './gateway.ts';
