import { Agent } from 'node:http';
import { attachBreaker, BreakerRegistry } from '@tripswitch/axios';
import axios from 'axios';
import { checkBreaker } from './breaker-check.ts';
import { clientLoopSample } from './client-loop.ts';
import type { HttpPair, HttpSubject } from './types.ts';

const client = 'const api = axios.create({ baseURL, httpAgent: new Agent({ keepAlive: true }) });';
const call = "await api.get('/')";

/** axios calls to the trivial server, without and with `attachBreaker`. */
export const axiosPair: HttpPair = {
  id: 'axios',
  title: 'axios calls, attachBreaker()',
  driver: 'client loop',
  without: axiosSubject(false, `${client} ${call}`),
  with: axiosSubject(true, `${client} attachBreaker(api, { registry }); ${call}`),
};

function axiosSubject(withBreaker: boolean, setup: string): HttpSubject {
  return {
    setup,
    async prepare({ plan, upstream }) {
      // An agent of its own, so the subject's sockets are its own and close with it.
      const agent = new Agent({ keepAlive: true });
      const api = axios.create({ baseURL: upstream, httpAgent: agent });
      const registry = new BreakerRegistry();
      if (withBreaker) attachBreaker(api, { registry });
      return {
        sample: (ms) => clientLoopSample(() => api.get('/'), plan.concurrency, ms),
        ...(withBreaker && {
          check: async (answered: number) => checkBreaker(registry.stats(), answered, 'exactly'),
        }),
        dispose: async () => agent.destroy(),
      };
    },
  };
}
