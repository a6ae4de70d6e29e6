import { autocannonSample } from './autocannon-sample.ts';
import { checkBreaker } from './breaker-check.ts';
import { startServerThread } from './server-thread.ts';
import type { ServerName } from './servers.ts';
import type { HttpSubject } from './types.ts';

/**
 * A server of servers.ts in a thread of its own, loaded by autocannon. A server with a breaker
 * (`…-breaker`) is checked afterwards for having recorded at least every answered request.
 */
export function serverSubject(name: ServerName, setup: string): HttpSubject {
  return {
    setup,
    async prepare({ plan }) {
      const thread = await startServerThread(name);
      return {
        sample: (ms) => autocannonSample(thread, plan.concurrency, ms),
        ...(name.endsWith('-breaker') && {
          check: async (answered: number) =>
            checkBreaker(await thread.breakerStats(), answered, 'at least'),
        }),
        dispose: () => thread.close(),
      };
    },
  };
}
