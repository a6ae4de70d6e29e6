import { serverSubject } from './server-subject.ts';
import { floorDescriptions } from './servers.ts';
import type { HttpPair } from './types.ts';

const route = "app.get('/', (c) => c.json({ hello: 'world' })); serve on @hono/node-server";

/** A Hono route on Node.js, loaded by autocannon: bare, with `breakerMiddleware()`, and with its floor. */
export const honoPair: HttpPair = {
  id: 'hono',
  title: 'Hono route on Node.js, breakerMiddleware()',
  driver: 'autocannon',
  without: serverSubject('hono', `const app = new Hono(); ${route}`),
  with: serverSubject(
    'hono-breaker',
    `const app = new Hono(); app.use(breakerMiddleware({ registry })); ${route}`,
  ),
  floor: {
    ...serverSubject(
      'hono-floor',
      `const app = new Hono(); app.use(async (c, next) => { await next(); }); ${route}`,
    ),
    description: floorDescriptions.hono,
  },
};
