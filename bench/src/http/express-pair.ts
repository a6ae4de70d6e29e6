import { serverSubject } from './server-subject.ts';
import { floorDescriptions } from './servers.ts';
import type { HttpPair } from './types.ts';

const route = "app.get('/', (req, res) => { res.json({ hello: 'world' }); })";

/** An Express 5 route, loaded by autocannon: bare, with `breakerMiddleware()`, and with its floor. */
export const expressPair: HttpPair = {
  id: 'express',
  title: 'Express 5 route, breakerMiddleware()',
  driver: 'autocannon',
  without: serverSubject('express', `const app = express(); ${route}`),
  with: serverSubject(
    'express-breaker',
    `const app = express(); app.use(breakerMiddleware({ registry })); ${route}`,
  ),
  floor: {
    ...serverSubject(
      'express-floor',
      `const app = express(); app.use((req, res, next) => { res.on('close', noop); next(); }); ${route}`,
    ),
    description: floorDescriptions.express,
  },
};
