/**
 * @module
 * The Hono demo: a gateway protected by `@tripswitch/hono` that calls the upstream through
 * `withBreaker(fetch)`, written once for every runtime (`node.ts`, `bun.ts`, `deno.ts` start it).
 */
export { createGateway, type GatewayOptions } from './gateway.ts';
export { listenOnNode, type NodeGateway } from './node-server.ts';
