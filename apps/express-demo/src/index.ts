/**
 * @module
 * The Express demo: a gateway protected by `@tripswitch/express` that calls the upstream
 * through axios with `@tripswitch/axios`.
 */
export { createGateway, type GatewayOptions } from './gateway.ts';
