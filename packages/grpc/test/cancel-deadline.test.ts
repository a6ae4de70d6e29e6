// Calls that end without an answer: cancelled by their caller, past their deadline, or held by a
// server that never answers. Deadlines are grpc-js timers: each test here uses a server that never
// answers, so the call ends with DEADLINE_EXCEEDED however fast or slow the machine is.
import { describe, expect, it, onTestFinished } from 'vitest';
import { call, kinds, reachedServer, startBeforeDeadline } from './support/calls.ts';
import { inventoryClient, service } from './support/client.ts';
import { grpc } from './support/grpc.ts';
import { fail, hang, held, ok, startInventory } from './support/inventory-server.ts';

const { status } = grpc;

describe.each(kinds)('a %s call', (kind) => {
  it('cancelled by its caller while the server holds it is ignored', async () => {
    const server = await startInventory(onTestFinished, hang);
    const c = inventoryClient(server.address);
    const pending = call(c.client, kind);
    await reachedServer(server.arrivals(1), pending);
    pending.surface.cancel();
    const { status: ended } = await pending.ended;
    expect(ended).toMatchObject({ code: status.CANCELLED, details: 'Cancelled on client' });
    expect(c.breaker().stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 0, failures: 0, ignored: 1 },
    });
  });

  it('cancelled by its caller at once is ignored, whether or not it reached the server', async () => {
    const server = await startInventory(onTestFinished, ok);
    const c = inventoryClient(server.address);
    const pending = call(c.client, kind);
    pending.surface.cancel();
    expect((await pending.ended).status.code).toBe(status.CANCELLED);
    expect(c.breaker().stats()).toMatchObject({ inFlight: 0, totals: { ignored: 1 } });
  });

  it('past its deadline, with a server that never answers, is a failure', async () => {
    const server = await startInventory(onTestFinished, hang);
    const c = inventoryClient(server.address);
    const { status: ended, error } = await startBeforeDeadline((deadline) =>
      call(c.client, kind, { deadline }),
    ).ended;
    expect(ended.code).toBe(status.DEADLINE_EXCEEDED);
    expect(error?.code).toBe(status.DEADLINE_EXCEEDED);
    expect(c.breaker().stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 0, failures: 1, ignored: 0 },
    });
  });

  it('whose deadline has passed before it starts goes around the breaker: nothing was sent', async () => {
    const server = await startInventory(onTestFinished, ok);
    const c = inventoryClient(server.address, { minimumCalls: 1 });
    for (const deadline of [Date.now() - 1, new Date(Date.now() - 1_000)]) {
      expect((await call(c.client, kind, { deadline }).ended).status.code).toBe(
        status.DEADLINE_EXCEEDED,
      );
    }
    expect(c.registry.has(service)).toBe(false);
    expect(server.received).toBe(0);
    // Still around it while the circuit is open: grpc-js, not the breaker, ends it.
    server.answer(fail(status.UNAVAILABLE));
    await call(c.client, kind).ended;
    expect(c.breaker().state).toBe('open');
    const late = await call(c.client, kind, { deadline: Date.now() - 1 }).ended;
    expect(late.status.code).toBe(status.DEADLINE_EXCEEDED);
    expect(c.breaker().stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, rejected: 0 },
    });
  });
});

describe('a server that never answers', () => {
  it('cannot wedge half-open: an unsettled trial counts as failed after halfOpenTimeoutMs', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const c = inventoryClient(server.address, {
      minimumCalls: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
      halfOpenTimeoutMs: 5_000,
    });
    await call(c.client, 'unary').ended;
    server.answer(hang);
    c.clock.advance(1_000);
    const trial = call(c.client, 'server-streaming');
    await reachedServer(server.arrivals(2), trial);
    expect((await call(c.client, 'unary').ended).error?.cause).toMatchObject({
      reason: 'half-open-full',
    });
    c.clock.advance(5_000);
    // The trial is overdue: the circuit is open again, for the next (backed-off) period.
    expect((await call(c.client, 'unary').ended).error?.cause).toMatchObject({ reason: 'open' });
    expect(c.breaker().state).toBe('open');
    // The late end of the hung trial changes nothing.
    trial.surface.cancel();
    await trial.ended;
    expect(c.breaker().stats()).toMatchObject({ state: 'open', inFlight: 0 });
    expect(server.received).toBe(2);
  });

  it('a caller’s cancel frees a half-open trial slot for the next call', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const c = inventoryClient(server.address, {
      minimumCalls: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
    });
    await call(c.client, 'unary').ended;
    const answer = held();
    server.answer(answer.answer);
    c.clock.advance(1_000);
    const trial = call(c.client, 'bidi');
    await reachedServer(server.arrivals(2), trial);
    trial.surface.cancel();
    await trial.ended;
    server.answer(ok);
    expect((await call(c.client, 'unary').ended).status.code).toBe(status.OK);
    expect(c.breaker().stats()).toMatchObject({ state: 'closed', inFlight: 0 });
    expect(server.received).toBe(3);
  });
});
