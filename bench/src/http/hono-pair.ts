import { autocannonSample } from './autocannon-sample.ts';
import { checkBreaker } from './breaker-check.ts';
import { startServerThread } from './server-thread.ts';
import { floorDescriptions, type ServerName } from './servers.ts';
import type { HttpPair, HttpSubject } from './types.ts';

const route = "app.get('/', (c) => c.json({ hello: 'world' })); serve on @hono/node-server";

/** A Hono route on Node.js, loaded by autocannon, without and with `breakerMiddleware()`. */
export const honoPair: HttpPair = {
  id: 'hono',
  title: 'Hono route on Node.js, breakerMiddleware()',
  driver: 'autocannon',
  without: honoSubject('hono', `const app = new Hono(); ${route}`),
  with: honoSubject(
    'hono-breaker',
    `const app = new Hono(); app.use(breakerMiddleware({ registry })); ${route}`,
  ),
  floor: {
    ...honoSubject(
      'hono-floor',
      `const app = new Hono(); app.use(async (c, next) => { await next(); }); ${route}`,
    ),
    description: floorDescriptions.hono,
  },
};

function honoSubject(name: ServerName, setup: string): HttpSubject {
  return {
    setup,
    async prepare({ plan }) {
      const thread = await startServerThread(name);
      return {
        sample: (ms) => autocannonSample(thread, plan.concurrency, ms),
        ...(name === 'hono-breaker' && {
          check: async (answered: number) =>
            checkBreaker(await thread.breakerStats(), answered, 'at least'),
        }),
        dispose: () => thread.close(),
      };
    },
  };
}
