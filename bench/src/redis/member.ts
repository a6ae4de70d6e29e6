// A process of the propagation benchmark: its own ioredis client, RedisBreakerStore and breaker,
// driven by the benchmark over IPC. Stamps are milliseconds on the machine's monotonic clock
// (`process.hrtime`), one clock for every process, so stamps of two processes compare exactly.
import { CircuitBreaker } from '@tripswitch/core';
import { RedisBreakerStore } from '@tripswitch/redis';
import { Redis } from 'ioredis';

export type MemberRequest =
  | { id: number; op: 'start'; url: string; prefix: string; name: string }
  | { id: number; op: 'fail' | 'reset' | 'close' };

export type MemberMessage =
  | { id: number; at?: number; error?: string }
  | { event: 'stateChange'; to: string; reason: string; at: number; refuses: boolean };

const now = () => Number(process.hrtime.bigint()) / 1e6;
let client: Redis | undefined;
let store: RedisBreakerStore | undefined;
let breaker: CircuitBreaker | undefined;

function send(message: MemberMessage): void {
  process.send?.(message);
}

async function handle(request: MemberRequest): Promise<number | undefined> {
  switch (request.op) {
    case 'start': {
      client = new Redis(request.url);
      store = new RedisBreakerStore({ client, prefix: request.prefix });
      const created = new CircuitBreaker({
        name: request.name,
        store,
        minimumCalls: 1,
        openDurationMs: 3_600_000,
      });
      breaker = created;
      created.on('stateChange', ({ to, reason }) => {
        const at = now();
        const permit = created.tryAcquire();
        permit?.ignore();
        send({ event: 'stateChange', to, reason, at, refuses: permit === null });
      });
      const ready = store;
      const deadline = now() + 5_000;
      while (!ready.available) {
        if (now() > deadline) throw new Error('the Redis store did not become available');
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return undefined;
    }
    case 'fail': {
      const at = now();
      breaker?.tryAcquire()?.failure(new Error('the dependency failed'));
      return at;
    }
    case 'reset':
      breaker?.reset();
      return undefined;
    case 'close':
      breaker?.dispose();
      await store?.close();
      client?.disconnect();
      setImmediate(() => process.disconnect());
      return undefined;
  }
}

process.on('message', (request: MemberRequest) => {
  handle(request).then(
    (at) => send(at === undefined ? { id: request.id } : { id: request.id, at }),
    (error: unknown) => send({ id: request.id, error: String(error) }),
  );
});
