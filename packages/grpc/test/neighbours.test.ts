// Interceptors beside ours that throw, at every step of a call, on either side of ours. Each
// buggy call is a half-open trial with a single slot: a permit left unsettled would hold that slot
// and wedge the breaker, so each test ends by showing the next call is admitted and closes it.
import type { InterceptingCall, Interceptor } from '@grpc/grpc-js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { call, startBeforeDeadline } from './support/calls.ts';
import { inventoryClient, type TestClient } from './support/client.ts';
import { grpc } from './support/grpc.ts';
import { fail, type InventoryServer, ok, startInventory } from './support/inventory-server.ts';
import { type Neighbour, NeighbourBug, type Step, throwingAt } from './support/neighbours.ts';

const { status } = grpc;

/** A circuit just turned half-open with one trial slot, the neighbour beside ours, `side`. */
async function halfOpen(
  step: Step,
  side: 'before' | 'after',
): Promise<{ server: InventoryServer; c: TestClient; neighbour: Neighbour }> {
  const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
  const neighbour = throwingAt(step);
  neighbour.armed = false;
  const c = inventoryClient(
    server.address,
    { minimumCalls: 1, openDurationMs: 1_000, halfOpenMaxCalls: 1, halfOpenTimeoutMs: 60_000 },
    { [side]: [neighbour.interceptor] },
  );
  await call(c.client, 'unary').ended;
  expect(c.breaker().state).toBe('open');
  c.clock.advance(1_000);
  server.answer(ok);
  neighbour.armed = true;
  return { server, c, neighbour };
}

/**
 * The next clean call is the one trial: admitted, answered, and the circuit closes. `lost` calls
 * never ended for the breaker (their status was swallowed below it) and still count in flight.
 */
async function trialSlotFree(c: TestClient, neighbour: Neighbour, lost = 0): Promise<void> {
  neighbour.armed = false;
  expect((await call(c.client, 'unary').ended).status.code).toBe(status.OK);
  expect(c.breaker().stats()).toMatchObject({ state: 'closed', inFlight: lost });
}

function stubCallThrows(c: TestClient, options = {}): void {
  expect(() => c.client.GetStock({ sku: 'a' }, new grpc.Metadata(), options, () => {})).toThrow(
    NeighbourBug,
  );
}

describe('a neighbour that throws while the call is set up', () => {
  it.each([
    ['factory, before the next call', 'before'],
    ['factory, after the next call', 'before'],
    ['start, before next', 'before'],
  ] as const)(
    'in its %s, placed %s ours: the stub throws; the breaker was never asked',
    async (step, side) => {
      const { server, c, neighbour } = await halfOpen(step, side);
      const before = c.breaker().stats().totals;
      stubCallThrows(c);
      // Still reading 'open': no call has asked for a permit since the open period ended.
      expect(c.breaker().stats()).toMatchObject({ state: 'open', inFlight: 0, totals: before });
      await trialSlotFree(c, neighbour);
      expect(server.received).toBe(2);
    },
  );

  it.each([
    ['factory, before the next call'],
    ['factory, after the next call'],
    ['start, before next'],
    ['start, after next'],
  ] as const)(
    'in its %s, placed after ours: the stub throws; the permit is ignored at once',
    async (step) => {
      const { c, neighbour } = await halfOpen(step, 'after');
      stubCallThrows(c);
      expect(c.breaker().stats()).toMatchObject({ inFlight: 0, totals: { ignored: 1 } });
      await trialSlotFree(c, neighbour);
    },
  );
});

describe('a neighbour that throws while the request is sent', () => {
  it.each([['sendMessage'], ['halfClose']] as const)(
    'in %s, placed after ours: the stub throws; the permit is ignored at once',
    async (step) => {
      const { c, neighbour } = await halfOpen(step, 'after');
      stubCallThrows(c);
      expect(c.breaker().stats()).toMatchObject({ inFlight: 0, totals: { ignored: 1 } });
      await trialSlotFree(c, neighbour);
    },
  );

  // Placed before ours, the neighbour breaks the call above it: the stub throws, the unary
  // request never fully leaves, and the server waits for it. The call ends at its deadline — a
  // deadline the client's own bug let pass, not the service's failure: ignored.
  it.each([['start, after next'], ['sendMessage'], ['halfClose']] as const)(
    'in %s, placed before ours: the permit is ignored when the deadline ends the call',
    async (step) => {
      const { c, neighbour } = await halfOpen(step, 'before');
      const settled = new Promise<void>((resolve) => {
        const off = c.breaker().on('ignored', () => {
          off();
          resolve();
        });
      });
      startBeforeDeadline((deadline) => stubCallThrows(c, { deadline }));
      expect(c.breaker().stats().inFlight).toBe(1);
      await settled;
      expect(c.breaker().stats()).toMatchObject({
        state: 'half-open',
        inFlight: 0,
        totals: { ignored: 1, failures: 1 },
      });
      await trialSlotFree(c, neighbour);
    },
  );
});

describe('a neighbour whose listener throws', () => {
  it.each([
    ['onReceiveStatus', 'unary'],
    ['onReceiveMessage', 'unary'],
  ] as const)(
    'in %s, placed before ours: the permit was settled by the status already (%s)',
    async (step, kind) => {
      const { c, neighbour } = await halfOpen(step, 'before');
      const succeeded = new Promise<void>((resolve) => {
        const off = c.breaker().on('success', () => {
          off();
          resolve();
        });
      });
      call(c.client, kind);
      // The neighbour's throw escapes into grpc-js (uncaught, as in an application); ours is done.
      await Promise.all([neighbour.thrown, succeeded]);
      expect(c.breaker().stats()).toMatchObject({ state: 'closed', inFlight: 0 });
    },
  );

  // Placed after ours, the neighbour swallows the status (or the message before it) on its way up:
  // no interceptor above it hears of the call's end, ours included. The breaker is not wedged:
  // the trial counts as failed once halfOpenTimeoutMs has passed.
  it.each([
    ['onReceiveStatus', 'unary'],
    ['onReceiveMessage', 'unary'],
  ] as const)(
    'in %s, placed after ours: the trial is overdue after halfOpenTimeoutMs, not stuck (%s)',
    async (step, kind) => {
      const { c, neighbour } = await halfOpen(step, 'after');
      call(c.client, kind);
      await neighbour.thrown;
      expect(c.breaker().stats()).toMatchObject({ state: 'half-open', inFlight: 1 });
      c.clock.advance(60_000);
      neighbour.armed = false;
      expect((await call(c.client, 'unary').ended).error?.cause).toMatchObject({ reason: 'open' });
      c.clock.advance(2_000);
      await trialSlotFree(c, neighbour, 1);
    },
  );
});

describe('a neighbour that starts the call later (fetching a token, say)', () => {
  it('placed before ours: reads asked for before our start are passed on once the call is made', async () => {
    const server = await startInventory(onTestFinished, ok);
    const later: Interceptor = (options, nextCall) =>
      new grpc.InterceptingCall(nextCall(options), {
        start(metadata, listener, next) {
          setImmediate(() => next(metadata, listener));
        },
      }) as InterceptingCall;
    const c = inventoryClient(server.address, {}, { before: [later] });
    for (const kind of ['server-streaming', 'bidi', 'unary'] as const) {
      const { status: ended, messages } = await call(c.client, kind).ended;
      expect(ended.code).toBe(status.OK);
      expect(messages.length).toBeGreaterThan(0);
    }
    expect(c.breaker().stats()).toMatchObject({ inFlight: 0, totals: { successes: 3 } });
  });

  it('placed before ours: a call cancelled before our start ends CANCELLED, unmade and uncounted', async () => {
    const server = await startInventory(onTestFinished, ok);
    const later: Interceptor = (options, nextCall) =>
      new grpc.InterceptingCall(nextCall(options), {
        start(metadata, listener, next) {
          setImmediate(() => next(metadata, listener));
        },
      }) as InterceptingCall;
    const c = inventoryClient(server.address, {}, { before: [later] });
    const pending = call(c.client, 'server-streaming');
    pending.surface.cancel();
    expect((await pending.ended).status).toMatchObject({
      code: status.CANCELLED,
      details: 'Cancelled on client',
    });
    expect(server.received).toBe(0);
    expect(c.registry.size).toBe(0);
  });
  // Placed after ours, it makes the call below as ours makes it, but starts it later. A cancel
  // that comes first ends the call below before it has a listener: grpc-js reports that end to
  // nobody, then or when the call is started. The caller's cancel is ignored whatever follows,
  // so the permit settles at the cancel, not when a status passes that never will.
  it.each([
    ['never starts it', false],
    ['starts it once cancelled', true],
  ] as const)(
    'placed after ours, which %s: the caller’s cancel frees the permit and the bulkhead slot',
    async (_what, startLater) => {
      const server = await startInventory(onTestFinished, ok);
      const starts: Array<() => void> = [];
      const later: Interceptor = (options, nextCall) =>
        new grpc.InterceptingCall(nextCall(options), {
          start(metadata, listener, next) {
            starts.push(() => next(metadata, listener));
          },
        }) as InterceptingCall;
      const c = inventoryClient(
        server.address,
        { bulkhead: { maxConcurrent: 1 } },
        { after: [later] },
      );
      const pending = call(c.client, 'unary');
      pending.surface.cancel();
      if (startLater) for (const start of starts.splice(0)) start();
      expect(c.breaker().stats()).toMatchObject({
        inFlight: 0,
        bulkhead: { active: 0 },
        totals: { ignored: 1 },
      });
      // The slot is free: the next call is admitted (and waits for the neighbour, as the first).
      const waiting = starts.length;
      call(c.client, 'unary');
      expect(starts).toHaveLength(waiting + 1);
      expect(c.breaker().stats().totals.rejected).toBe(0);
    },
  );
});

describe('a neighbour that hands up a status whose details are not a string', () => {
  // Placed after ours, it rewrites the status on its way up: an object with no toString, which
  // no error message can be made of. The judge must settle the permit anyway, and let the
  // status go on: grpc-js never prints an OK status's details, so the caller gets its answer.
  it('placed after ours: the permit settles and the caller still gets its answer', async () => {
    const server = await startInventory(onTestFinished, ok);
    const rewriting: Interceptor = (options, nextCall) =>
      new grpc.InterceptingCall(nextCall(options), {
        start(metadata, _listener, next) {
          next(metadata, {
            onReceiveStatus(ended, nextStatus) {
              nextStatus({ ...ended, details: Object.create(null) });
            },
          });
        },
      }) as InterceptingCall;
    const c = inventoryClient(server.address, { isFailure: () => true }, { after: [rewriting] });
    const { status: ended, messages } = await call(c.client, 'unary').ended;
    expect(ended.code).toBe(status.OK);
    expect(messages).toEqual([{ sku: 'a', level: expect.any(Number) }]);
    expect(c.breaker().stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });
});
