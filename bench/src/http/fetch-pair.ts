import { BreakerRegistry, withBreaker } from '@tripswitch/fetch';
import { breakerInterceptor } from '@tripswitch/fetch/undici';
import { Agent, fetch as undiciFetch } from 'undici';
import { checkBreaker } from './breaker-check.ts';
import { clientLoopSample } from './client-loop.ts';
import type { HttpPair, HttpSubject } from './types.ts';

/** Node's global fetch to the trivial server, without and with `withBreaker()`. */
export const fetchPair: HttpPair = {
  id: 'fetch',
  title: 'fetch calls, withBreaker(fetch)',
  driver: 'client loop',
  without: {
    setup: 'await (await fetch(url)).json()',
    async prepare({ plan, upstream }) {
      const url = `${upstream}/`;
      return {
        sample: (ms) => clientLoopSample(() => call(globalThis.fetch, url), plan.concurrency, ms),
        dispose: async () => {},
      };
    },
  },
  with: {
    setup: 'const guarded = withBreaker(fetch, { registry }); await (await guarded(url)).json()',
    async prepare({ plan, upstream }) {
      const registry = new BreakerRegistry();
      const guarded = withBreaker(globalThis.fetch, { registry });
      const url = `${upstream}/`;
      return {
        sample: (ms) => clientLoopSample(() => call(guarded, url), plan.concurrency, ms),
        check: async (answered: number) => checkBreaker(registry.stats(), answered, 'exactly'),
        dispose: async () => {},
      };
    },
  },
};

/** undici's fetch through an Agent, without and with `breakerInterceptor()` composed in. */
export const undiciPair: HttpPair = {
  id: 'undici',
  title: 'undici fetch, breakerInterceptor()',
  driver: 'client loop',
  without: undiciSubject(false, 'new Agent(); await (await fetch(url, { dispatcher })).json()'),
  with: undiciSubject(
    true,
    'new Agent().compose(breakerInterceptor({ registry })); await (await fetch(url, { dispatcher })).json()',
  ),
};

function undiciSubject(guarded: boolean, setup: string): HttpSubject {
  return {
    setup,
    async prepare({ plan, upstream }) {
      const agent = new Agent();
      const registry = new BreakerRegistry();
      const dispatcher = guarded ? agent.compose(breakerInterceptor({ registry })) : agent;
      const url = `${upstream}/`;
      const send = (target: string) => undiciFetch(target, { dispatcher });
      return {
        sample: (ms) => clientLoopSample(() => call(send, url), plan.concurrency, ms),
        ...(guarded && {
          check: async (answered: number) => checkBreaker(registry.stats(), answered, 'exactly'),
        }),
        dispose: async () => agent.close(),
      };
    },
  };
}

async function call(
  send: (url: string) => Promise<{ json(): Promise<unknown> }>,
  url: string,
): Promise<unknown> {
  return (await send(url)).json();
}
