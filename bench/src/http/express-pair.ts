import { autocannonSample } from './autocannon-sample.ts';
import { checkBreaker } from './breaker-check.ts';
import { startServerThread } from './server-thread.ts';
import { floorDescriptions, type ServerName } from './servers.ts';
import type { HttpPair, HttpSubject } from './types.ts';

const route = "app.get('/', (req, res) => { res.json({ hello: 'world' }); })";

/** An Express 5 route, loaded by autocannon, without and with `breakerMiddleware()`. */
export const expressPair: HttpPair = {
  id: 'express',
  title: 'Express 5 route, breakerMiddleware()',
  driver: 'autocannon',
  without: expressSubject('express', `const app = express(); ${route}`),
  with: expressSubject(
    'express-breaker',
    `const app = express(); app.use(breakerMiddleware({ registry })); ${route}`,
  ),
  floor: {
    ...expressSubject(
      'express-floor',
      `const app = express(); app.use((req, res, next) => { res.on('close', noop); next(); }); ${route}`,
    ),
    description: floorDescriptions.express,
  },
};

function expressSubject(name: ServerName, setup: string): HttpSubject {
  return {
    setup,
    async prepare({ plan }) {
      const thread = await startServerThread(name);
      return {
        sample: (ms) => autocannonSample(thread, plan.concurrency, ms),
        ...(name === 'express-breaker' && {
          check: async (answered: number) =>
            checkBreaker(await thread.breakerStats(), answered, 'at least'),
        }),
        dispose: () => thread.close(),
      };
    },
  };
}
