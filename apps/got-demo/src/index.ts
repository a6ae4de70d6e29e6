/**
 * @module
 * The got demo: a client that calls the upstream through got with `@tripswitch/got`.
 */
export { createUpstreamClient, type UpstreamClientOptions } from './client.ts';
