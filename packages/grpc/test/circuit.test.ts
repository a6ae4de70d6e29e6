// The circuit as the server sees it: nothing reaches it while open, exactly halfOpenMaxCalls calls
// of any kind in half-open, and what a refused call's caller receives.
import { isCircuitOpenError } from '@tripswitch/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  BreakerRegistry,
  BulkheadFullError,
  breakerInterceptor,
  CircuitOpenError,
  isBulkheadFullError,
} from '../src/index.ts';
import { call, type Ended, kinds, reachedServer } from './support/calls.ts';
import { inventoryClient, service } from './support/client.ts';
import { grpc } from './support/grpc.ts';
import { fail, held, ok, startInventory } from './support/inventory-server.ts';

const { status } = grpc;

describe('an open circuit', () => {
  it.each(kinds)(
    'ends a %s call with UNAVAILABLE, the breaker named, pushback until a trial, and nothing sent',
    async (kind) => {
      const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
      const c = inventoryClient(server.address, { minimumCalls: 2, openDurationMs: 10_000 });
      await call(c.client, kind).ended;
      await call(c.client, kind).ended;
      expect(c.breaker().state).toBe('open');
      server.answer(ok);
      c.clock.advance(4_000);
      for (let i = 0; i < 5; i++) {
        const { status: ended, error, messages } = await call(c.client, kind).ended;
        expect(ended.code).toBe(status.UNAVAILABLE);
        expect(ended.details).toBe(
          `Circuit "${service}" is open; it lets a trial call through in 6000 ms`,
        );
        expect(ended.metadata.get('grpc-retry-pushback-ms')).toEqual(['6000']);
        expect(messages).toEqual([]);
        // The caller's error is grpc-js's ServiceError, with the core's refusal as its cause.
        expect(error).toBeInstanceOf(Error);
        expect(error).toMatchObject({ code: status.UNAVAILABLE, details: ended.details });
        expect(error?.metadata.get('grpc-retry-pushback-ms')).toEqual(['6000']);
        expect(error?.cause).toBeInstanceOf(CircuitOpenError);
        expect(isCircuitOpenError(error?.cause)).toBe(true);
        expect(error?.cause).toMatchObject({ breakerName: service, retryAfterMs: 6_000 });
      }
      expect(server.received).toBe(2);
      expect(c.breaker().stats()).toMatchObject({
        inFlight: 0,
        totals: { failures: 2, rejected: 5, successes: 0 },
      });
    },
  );

  it('delivers the refusal after the stub call returns, so handlers attached then receive it', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const c = inventoryClient(server.address, { minimumCalls: 1 });
    await call(c.client, 'unary').ended;
    const stream = c.client.WatchStock({ sku: 'a' }, new grpc.Metadata(), {});
    // Attached after the stub returned, in the same tick: a status delivered inside the stub
    // call would have been emitted to nobody, and an 'error' with no listener crashes a process.
    const error = await new Promise<Error & { code?: number }>((resolve) => {
      stream.on('error', resolve);
    });
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(server.received).toBe(1);
  });

  it('refuses with the forced-open reason, and no pushback, when isolated', async () => {
    const server = await startInventory(onTestFinished, ok);
    const c = inventoryClient(server.address);
    await call(c.client, 'unary').ended;
    c.breaker().isolate();
    const { status: ended, error } = await call(c.client, 'unary').ended;
    expect(ended.code).toBe(status.UNAVAILABLE);
    expect(ended.details).toBe(`Circuit "${service}" is forced open`);
    expect(ended.metadata.get('grpc-retry-pushback-ms')).toEqual([]);
    expect(error?.cause).toMatchObject({ reason: 'forced-open' });
    expect(server.received).toBe(1);
  });

  it('lets a trial through once the open period is over, and closes on its success', async () => {
    const server = await startInventory(onTestFinished, fail(status.INTERNAL));
    const c = inventoryClient(server.address, {
      minimumCalls: 1,
      openDurationMs: 1_000,
      halfOpenMaxCalls: 1,
    });
    await call(c.client, 'unary').ended;
    server.answer(ok);
    c.clock.advance(999);
    expect((await call(c.client, 'unary').ended).status.code).toBe(status.UNAVAILABLE);
    c.clock.advance(1);
    expect((await call(c.client, 'bidi').ended).status.code).toBe(status.OK);
    expect(c.breaker().state).toBe('closed');
    expect(server.received).toBe(2);
  });

  it('reopens on a failed trial', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const c = inventoryClient(server.address, { minimumCalls: 1, openDurationMs: 1_000 });
    await call(c.client, 'unary').ended;
    c.clock.advance(1_000);
    expect((await call(c.client, 'server-streaming').ended).status.details).toBe(
      'the server says 14',
    );
    expect(c.breaker().stats()).toMatchObject({ state: 'open', inFlight: 0 });
    expect((await call(c.client, 'unary').ended).error?.cause).toBeInstanceOf(CircuitOpenError);
    expect(server.received).toBe(2);
  });
});

describe('half-open under a burst', () => {
  it('admits exactly halfOpenMaxCalls calls, of any kind, and refuses the rest at once', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const c = inventoryClient(server.address, {
      minimumCalls: 1,
      openDurationMs: 10_000,
      halfOpenMaxCalls: 3,
    });
    await call(c.client, 'unary').ended;
    expect(c.breaker().state).toBe('open');
    const answer = held();
    server.answer(answer.answer);
    c.clock.advance(10_000);
    const burst = Array.from({ length: 60 }, (_, i) => call(c.client, kinds[i % kinds.length]!));
    const refused: Ended[] = [];
    let allRefused: () => void = () => {};
    const refusals = new Promise<void>((resolve) => {
      allRefused = resolve;
    });
    for (const { ended } of burst) {
      void ended.then((end) => {
        if (end.status.code === status.UNAVAILABLE && refused.push(end) === 57) allRefused();
      });
    }
    // The refusals all arrive; the three trials wait at the server.
    await Promise.all([refusals, server.arrivals(1 + 3)]);
    expect(server.received).toBe(1 + 3);
    expect(c.breaker().stats()).toMatchObject({ state: 'half-open', inFlight: 3 });
    for (const end of refused) expect(end.error?.cause).toMatchObject({ reason: 'half-open-full' });
    answer.release(ok);
    const results = await Promise.all(burst.map(({ ended }) => ended));
    expect(results.filter((end) => end.status.code === status.OK)).toHaveLength(3);
    expect(server.received).toBe(1 + 3);
    expect(c.breaker().stats()).toMatchObject({ state: 'closed', inFlight: 0 });
  });
});

describe('the bulkhead', () => {
  it('refuses a call over maxConcurrent at once with UNAVAILABLE, sends nothing, and frees the slot', async () => {
    const server = await startInventory(onTestFinished);
    const answer = held();
    server.answer(answer.answer);
    const c = inventoryClient(server.address, { bulkhead: { maxConcurrent: 1 } });
    const first = call(c.client, 'server-streaming');
    await reachedServer(server.arrivals(1), first);
    const { status: ended, error } = await call(c.client, 'unary').ended;
    expect(ended.code).toBe(status.UNAVAILABLE);
    expect(ended.details).toMatch(/Bulkhead of circuit "\/shop.Inventory" is full/);
    expect(ended.metadata.get('grpc-retry-pushback-ms')).toEqual([]);
    expect(error?.cause).toBeInstanceOf(BulkheadFullError);
    expect(isBulkheadFullError(error?.cause)).toBe(true);
    answer.release(ok);
    await first.ended;
    expect((await call(c.client, 'unary').ended).status.code).toBe(status.OK);
    expect(server.received).toBe(2);
    expect(c.breaker().stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
      totals: { successes: 2, rejected: 1 },
    });
  });
});

describe('two breaker interceptors on one client', () => {
  it('the outer one ignores the inner one’s refusals: they are not answers from the service', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const inner = new BreakerRegistry();
    const c = inventoryClient(
      server.address,
      { minimumCalls: 5 },
      {
        after: [
          breakerInterceptor({
            registry: inner,
            clock: { now: () => 0 },
            minimumCalls: 1,
            key: (path) => path,
          }),
        ],
      },
    );
    await call(c.client, 'unary').ended;
    expect(inner.get('/shop.Inventory/GetStock').state).toBe('open');
    for (let i = 0; i < 10; i++) {
      expect((await call(c.client, 'unary').ended).error?.cause).toMatchObject({
        breakerName: '/shop.Inventory/GetStock',
      });
    }
    expect(c.breaker().stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { failures: 1, ignored: 10 },
    });
    expect(server.received).toBe(1);
  });
});

describe('a refused client-streaming call', () => {
  it('completes its writes, so a writer waiting on them is not left hanging', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const c = inventoryClient(server.address, { minimumCalls: 1 });
    await call(c.client, 'unary').ended;
    let written = 0;
    let finished = false;
    let refusal: unknown;
    const stream = c.client.ReportSales(new grpc.Metadata(), {}, (error) => {
      refusal = error?.cause;
    });
    stream.on('finish', () => {
      finished = true;
    });
    const ended = new Promise((resolve) => stream.on('status', resolve));
    for (let i = 0; i < 3; i++) {
      stream.write({ sku: 'a', quantity: i }, () => {
        written++;
      });
    }
    stream.end();
    await ended;
    await new Promise(setImmediate);
    expect(refusal).toBeInstanceOf(CircuitOpenError);
    expect(written).toBe(3);
    expect(finished).toBe(true);
    expect(server.received).toBe(1);
  });
});
