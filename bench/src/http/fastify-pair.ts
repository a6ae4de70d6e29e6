import { serverSubject } from './server-subject.ts';
import { floorDescriptions } from './servers.ts';
import type { HttpPair } from './types.ts';

const route = "app.get('/', async () => ({ hello: 'world' }))";

/** A Fastify 5 route, loaded by autocannon: bare, with `breakerPlugin`, and with its floor. */
export const fastifyPair: HttpPair = {
  id: 'fastify',
  title: 'Fastify 5 route, breakerPlugin',
  driver: 'autocannon',
  without: serverSubject('fastify', `const app = Fastify(); ${route}`),
  with: serverSubject(
    'fastify-breaker',
    `const app = Fastify(); await app.register(breakerPlugin, { registry }); ${route}`,
  ),
  floor: {
    ...serverSubject(
      'fastify-floor',
      `const app = Fastify(); app.addHook('onRequest', (request, reply, done) => { reply.raw.on('close', noop); done(); }); ${route}`,
    ),
    description: floorDescriptions.fastify,
  },
};
