// What the breaker records for each kind of call and each class of status, counted at a real
// server.
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { call, kinds, reachedServer } from './support/calls.ts';
import { inventoryClient } from './support/client.ts';
import { grpc } from './support/grpc.ts';
import { fail, hang, ok, startInventory } from './support/inventory-server.ts';

const { status } = grpc;

const failures = [
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.INTERNAL,
  status.UNKNOWN,
  status.DATA_LOSS,
  status.CANCELLED,
];
const answers = [
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.ALREADY_EXISTS,
  status.PERMISSION_DENIED,
  status.FAILED_PRECONDITION,
  status.ABORTED,
  status.OUT_OF_RANGE,
  status.UNIMPLEMENTED,
  status.UNAUTHENTICATED,
];

describe.each(kinds)('a %s call', (kind) => {
  it('answered OK is a success, judged once', async () => {
    const server = await startInventory(onTestFinished, ok);
    const c = inventoryClient(server.address);
    const { status: ended, error, messages } = await call(c.client, kind).ended;
    expect(ended.code).toBe(status.OK);
    expect(error).toBeUndefined();
    expect(messages.length).toBeGreaterThan(0);
    expect(server.received).toBe(1);
    expect(c.breaker().stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0, ignored: 0 },
    });
  });

  it.each(failures.map((code) => [grpc.status[code], code] as const))(
    'ended by the server with %s is a failure',
    async (_name, code) => {
      const server = await startInventory(onTestFinished, fail(code));
      const c = inventoryClient(server.address);
      const { status: ended, error } = await call(c.client, kind).ended;
      expect(ended.code).toBe(code);
      expect(error?.code).toBe(code);
      expect(c.breaker().stats()).toMatchObject({
        inFlight: 0,
        totals: { successes: 0, failures: 1, ignored: 0 },
      });
    },
  );

  it.each(answers.map((code) => [grpc.status[code], code] as const))(
    'ended by the server with %s is a success: the service answered',
    async (_name, code) => {
      const server = await startInventory(onTestFinished, fail(code));
      const c = inventoryClient(server.address);
      expect((await call(c.client, kind).ended).status.code).toBe(code);
      expect(c.breaker().stats()).toMatchObject({
        inFlight: 0,
        totals: { successes: 1, failures: 0, ignored: 0 },
      });
    },
  );
});

describe('isFailure', () => {
  it.each(kinds)('replaces the rule for a %s call, OK included', async (kind) => {
    const server = await startInventory(onTestFinished, ok);
    const seen: number[] = [];
    const c = inventoryClient(server.address, {
      isFailure: (s) => {
        seen.push(s.code);
        return s.code === status.OK;
      },
    });
    await call(c.client, kind).ended;
    server.answer(fail(status.UNAVAILABLE));
    await call(c.client, kind).ended;
    expect(seen).toEqual([status.OK, status.UNAVAILABLE]);
    expect(c.breaker().stats().totals).toMatchObject({ successes: 1, failures: 1 });
  });

  it('is not asked about a call its caller cancelled', async () => {
    const server = await startInventory(onTestFinished, hang);
    const isFailure = vi.fn(() => true);
    const c = inventoryClient(server.address, { isFailure });
    const pending = call(c.client, 'unary');
    await reachedServer(server.arrivals(1), pending);
    pending.surface.cancel();
    await pending.ended;
    expect(isFailure).not.toHaveBeenCalled();
    expect(c.breaker().stats().totals).toMatchObject({ ignored: 1 });
  });

  it('that throws counts a failure, says so, and the caller still gets its answer', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const server = await startInventory(onTestFinished, ok);
    const c = inventoryClient(server.address, {
      isFailure: () => {
        throw new Error('rule bug');
      },
    });
    const { status: ended, messages } = await call(c.client, 'unary').ended;
    expect(ended.code).toBe(status.OK);
    expect(messages).toEqual([{ sku: 'a', level: 7 }]);
    expect(c.breaker().stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
    expect(log).toHaveBeenCalledOnce();
  });
});
