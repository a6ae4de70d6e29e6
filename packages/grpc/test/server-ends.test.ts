// A server that goes away mid-stream: killed (its process, by pid) or shut down. Neither was asked
// for by the caller, so both are failures.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import { call, type Kind } from './support/calls.ts';
import { inventoryClient } from './support/client.ts';
import { grpc } from './support/grpc.ts';
import { stall, startInventory } from './support/inventory-server.ts';

const { status } = grpc;
const midStream: Kind[] = ['server-streaming', 'bidi'];

/** Starts test/support/child-server.ts in a process of its own; killed when the test finishes. */
async function childServer(): Promise<{ address: string; pid: number }> {
  const child = spawn(
    process.execPath,
    [new URL('./support/child-server.ts', import.meta.url).pathname],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('the server process did not start');
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGKILL');
      await once(child, 'exit');
    }
  });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { address: (JSON.parse(line) as { address: string }).address, pid };
}

/** Resolves with the first response message a streaming call receives. */
function firstMessage(surface: object): Promise<unknown> {
  return once(surface as NodeJS.EventEmitter, 'data').then(([message]) => message);
}

describe.each(midStream)('a %s call mid-stream', (kind) => {
  it('whose server process is killed ends UNAVAILABLE: a failure', async () => {
    const server = await childServer();
    const c = inventoryClient(server.address);
    const pending = call(c.client, kind);
    expect(await firstMessage(pending.surface)).toMatchObject({ sku: 'a' });
    process.kill(server.pid, 'SIGKILL');
    const { status: ended, error } = await pending.ended;
    expect(ended.code).toBe(status.UNAVAILABLE);
    expect(error?.cause).toBeUndefined();
    expect(c.breaker().stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, successes: 0, ignored: 0 },
    });
  });

  it('whose server shuts down ends CANCELLED, which the caller did not ask for: a failure', async () => {
    const server = await startInventory(onTestFinished, stall);
    const c = inventoryClient(server.address);
    const pending = call(c.client, kind);
    await firstMessage(pending.surface);
    server.forceShutdown();
    const { status: ended } = await pending.ended;
    expect(ended.code).toBe(status.CANCELLED);
    expect(c.breaker().stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, successes: 0, ignored: 0 },
    });
  });
});
