import { autocannonSample } from './autocannon-sample.ts';
import { checkBreaker } from './breaker-check.ts';
import { startServerThread } from './server-thread.ts';
import { floorDescriptions, type ServerName } from './servers.ts';
import type { HttpPair, HttpSubject } from './types.ts';

const route = "app.get('/', async () => ({ hello: 'world' }))";

/** A Fastify 5 route, loaded by autocannon, without and with `breakerPlugin`. */
export const fastifyPair: HttpPair = {
  id: 'fastify',
  title: 'Fastify 5 route, breakerPlugin',
  driver: 'autocannon',
  without: fastifySubject('fastify', `const app = Fastify(); ${route}`),
  with: fastifySubject(
    'fastify-breaker',
    `const app = Fastify(); await app.register(breakerPlugin, { registry }); ${route}`,
  ),
  floor: {
    ...fastifySubject(
      'fastify-floor',
      `const app = Fastify(); app.addHook('onRequest', (request, reply, done) => { reply.raw.on('close', noop); done(); }); ${route}`,
    ),
    description: floorDescriptions.fastify,
  },
};

function fastifySubject(name: ServerName, setup: string): HttpSubject {
  return {
    setup,
    async prepare({ plan }) {
      const thread = await startServerThread(name);
      return {
        sample: (ms) => autocannonSample(thread, plan.concurrency, ms),
        ...(name === 'fastify-breaker' && {
          check: async (answered: number) =>
            checkBreaker(await thread.breakerStats(), answered, 'at least'),
        }),
        dispose: () => thread.close(),
      };
    },
  };
}
