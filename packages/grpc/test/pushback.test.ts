// A failing answer whose trailers carry grpc-retry-pushback-ms (gRFC A6) holds the circuit open
// at least that long, capped by maxPushbackMs.
import { describe, expect, it, onTestFinished } from 'vitest';
import { call, kinds } from './support/calls.ts';
import { inventoryClient, type TestClient } from './support/client.ts';
import { grpc } from './support/grpc.ts';
import { fail, ok, startInventory } from './support/inventory-server.ts';

const { status } = grpc;

const pushback = (ms: string) => ({ 'grpc-retry-pushback-ms': ms });

/** The pushback a refused call's caller receives, or `'a trial'` when the call went through. */
async function next(c: TestClient): Promise<string> {
  const { error } = await call(c.client, 'unary').ended;
  if (error?.cause === undefined) return 'a trial';
  return String(error.metadata.get('grpc-retry-pushback-ms')[0] ?? 'none');
}

describe.each(kinds)('a failing %s call with pushback', (kind) => {
  it('holds the circuit open that long, beyond the open duration', async () => {
    const server = await startInventory(
      onTestFinished,
      fail(status.UNAVAILABLE, pushback('30000')),
    );
    const c = inventoryClient(server.address, { minimumCalls: 1, openDurationMs: 1_000 });
    await call(c.client, kind).ended;
    expect(c.breaker().state).toBe('open');
    server.answer(ok);
    c.clock.advance(29_999);
    expect(await next(c)).toBe('1');
    c.clock.advance(1);
    expect(await next(c)).toBe('a trial');
    expect(server.received).toBe(2);
  });
});

describe('pushback', () => {
  it('is cut to maxPushbackMs', async () => {
    const server = await startInventory(
      onTestFinished,
      fail(status.RESOURCE_EXHAUSTED, pushback('999999999999')),
    );
    const c = inventoryClient(server.address, {
      minimumCalls: 1,
      openDurationMs: 1_000,
      maxPushbackMs: 5_000,
    });
    await call(c.client, 'unary').ended;
    expect(await next(c)).toBe('5000');
    server.answer(ok);
    c.clock.advance(5_000);
    expect(await next(c)).toBe('a trial');
  });

  it('is cut to 10 minutes by default', async () => {
    const server = await startInventory(
      onTestFinished,
      fail(status.UNAVAILABLE, pushback('86400000')),
    );
    const c = inventoryClient(server.address, { minimumCalls: 1 });
    await call(c.client, 'unary').ended;
    expect(await next(c)).toBe('600000');
  });

  it('is ignored with maxPushbackMs: 0', async () => {
    const server = await startInventory(
      onTestFinished,
      fail(status.UNAVAILABLE, pushback('30000')),
    );
    const c = inventoryClient(server.address, {
      minimumCalls: 1,
      openDurationMs: 1_000,
      maxPushbackMs: 0,
    });
    await call(c.client, 'unary').ended;
    expect(await next(c)).toBe('1000');
  });

  it.each(['-5', 'abc', '1.5', '', ' 3000', '3e4', '0x7530', '30000ms'])(
    'that is not a whole number of milliseconds (%j) asks for nothing',
    async (value) => {
      const server = await startInventory(
        onTestFinished,
        fail(status.UNAVAILABLE, pushback(value)),
      );
      const c = inventoryClient(server.address, { minimumCalls: 1, openDurationMs: 1_000 });
      await call(c.client, 'unary').ended;
      expect(await next(c)).toBe('1000');
    },
  );

  it('on an answer that is not a failure holds nothing', async () => {
    const server = await startInventory(onTestFinished, fail(status.NOT_FOUND, pushback('30000')));
    const c = inventoryClient(server.address, { minimumCalls: 1, openDurationMs: 1_000 });
    await call(c.client, 'unary').ended;
    expect(c.breaker().state).toBe('closed');
    server.answer(fail(status.UNAVAILABLE));
    await call(c.client, 'unary').ended;
    expect(await next(c)).toBe('1000');
  });

  it('on a failure that does not open the circuit yet still holds it once it opens', async () => {
    const server = await startInventory(
      onTestFinished,
      fail(status.UNAVAILABLE, pushback('20000')),
    );
    const c = inventoryClient(server.address, { minimumCalls: 2, openDurationMs: 1_000 });
    await call(c.client, 'unary').ended;
    expect(c.breaker().state).toBe('closed');
    c.clock.advance(5_000);
    server.answer(fail(status.UNAVAILABLE));
    await call(c.client, 'unary').ended;
    expect(await next(c)).toBe('15000');
  });

  it('on a failed half-open trial reopens for at least that long', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const c = inventoryClient(server.address, { minimumCalls: 1, openDurationMs: 1_000 });
    await call(c.client, 'unary').ended;
    c.clock.advance(1_000);
    server.answer(fail(status.UNAVAILABLE, pushback('45000')));
    expect((await call(c.client, 'bidi').ended).status.code).toBe(status.UNAVAILABLE);
    expect(await next(c)).toBe('45000');
  });

  it('of a user’s isFailure verdict is honoured too', async () => {
    const server = await startInventory(onTestFinished, fail(status.ABORTED, pushback('7000')));
    const c = inventoryClient(server.address, {
      minimumCalls: 1,
      openDurationMs: 1_000,
      isFailure: (s) => s.code !== status.OK,
    });
    await call(c.client, 'unary').ended;
    expect(await next(c)).toBe('7000');
  });
});
