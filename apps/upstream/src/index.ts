/**
 * @module
 * A flaky HTTP service for the Tripswitch demos and tests, with chaos controls over HTTP.
 */
export { type Chaos, healthy, parseChaos } from './chaos.ts';
export { startUpstream, type Upstream, type UpstreamOptions } from './upstream.ts';
