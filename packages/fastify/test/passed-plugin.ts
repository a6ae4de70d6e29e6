import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { deferred } from './deferred.ts';

/**
 * Resolves with the raw response once a request for `url` has passed the plugin's hook: a
 * request a queueing bulkhead holds has joined the queue by then. Add it before the plugin, so
 * its hook runs first; it calls `done()`, which runs the plugin's hook at once, and then resolves.
 * (The raw response, in an object: a reply is a thenable, which a promise would wait on.)
 */
export function passedPlugin(app: FastifyInstance, url: string): Promise<{ raw: ServerResponse }> {
  const passed = deferred<{ raw: ServerResponse }>();
  app.addHook('onRequest', (request, reply, done) => {
    done();
    if (request.url === url) passed.resolve({ raw: reply.raw });
  });
  return passed.promise;
}
