import { Agent } from 'node:http';
import { BreakerRegistry, breakerHooks } from '@tripswitch/got';
import got from 'got';
import { checkBreaker } from './breaker-check.ts';
import { clientLoopSample } from './client-loop.ts';
import type { HttpPair, HttpSubject } from './types.ts';

const options = '{ agent: { http: new Agent({ keepAlive: true }) } }';
const call = 'await client.get(url).json()';

/** got calls to the trivial server, without and with `breakerHooks()`. */
export const gotPair: HttpPair = {
  id: 'got',
  title: 'got calls, breakerHooks()',
  driver: 'client loop',
  without: gotSubject(false, `const client = got.extend(${options}); ${call}`),
  with: gotSubject(
    true,
    `const client = got.extend(${options}, breakerHooks({ registry })); ${call}`,
  ),
};

function gotSubject(withBreaker: boolean, setup: string): HttpSubject {
  return {
    setup,
    async prepare({ plan, upstream }) {
      // An agent of its own, so the subject's sockets are its own and close with it.
      const agent = new Agent({ keepAlive: true });
      const base = { agent: { http: agent } };
      const registry = new BreakerRegistry();
      const client = withBreaker ? got.extend(base, breakerHooks({ registry })) : got.extend(base);
      const url = `${upstream}/`;
      return {
        sample: (ms) => clientLoopSample(() => client.get(url).json(), plan.concurrency, ms),
        ...(withBreaker && {
          check: async (answered: number) => checkBreaker(registry.stats(), answered, 'exactly'),
        }),
        dispose: async () => agent.destroy(),
      };
    },
  };
}
