// What the breaker records for each kind of call and each class of status, counted at a real
// server.
import { describe, expect, it, onTestFinished } from 'vitest';
import { call, kinds } from './support/calls.ts';
import { inventoryClient } from './support/client.ts';
import { grpc } from './support/grpc.ts';
import { fail, ok, startInventory } from './support/inventory-server.ts';

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
