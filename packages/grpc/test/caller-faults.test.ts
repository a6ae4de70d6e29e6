// Calls grpc-js ends on the client for a fault of the caller's own, before the service has the
// request: a request message the client cannot serialize or larger than its own send limit, a
// client closed while its calls wait for a connection, and call credentials whose metadata
// generator fails. None says anything about the service's health: ignored, never a failure — or
// one caller's bug, one user's expired token, or one client's shutdown, opens the circuit for
// every caller.
import type { StatusObject } from '@grpc/grpc-js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { call, kinds, reachedServer } from './support/calls.ts';
import { inventoryClient, type TestClient } from './support/client.ts';
import { grpc, grpcVersion } from './support/grpc.ts';
import { fail, held, ok, startInventory } from './support/inventory-server.ts';

const { status } = grpc;
const [major = 0, minor = 0] = grpcVersion.split('.').map(Number);
// grpc-js ends the calls a closed client still queues since mid-2024 (grpc/grpc-node#2791, in
// 1.11); before, they wait for a connection — 1.8, the oldest tested, lets them go on once
// connected: nothing to judge there, and nothing to wait for should the connection never come.
const closeEndsQueuedCalls = major > 1 || minor >= 11;

/** Opens the circuit with a failing call, then lets its one trial slot open: see `options`. */
async function halfOpen(c: TestClient): Promise<void> {
  await call(c.client, 'unary').ended;
  expect(c.breaker().state).toBe('open');
  c.clock.advance(1_000);
}

// One trial slot in half-open: a permit left unsettled would wedge the circuit.
const options = { minimumCalls: 1, openDurationMs: 1_000, halfOpenMaxCalls: 1 };

// proto-loader's serializer refuses an array where a message belongs.
const unserializable = [] as unknown as { sku: string; quantity: number };

describe('a request message the client cannot serialize', () => {
  it('in a unary call is ignored: the server never had it', async () => {
    const server = await startInventory(onTestFinished, ok);
    const c = inventoryClient(server.address, options);
    for (let i = 0; i < 3; i++) {
      const ended = await new Promise<StatusObject>((resolve) => {
        const surface = c.client.GetStock(unserializable, new grpc.Metadata(), {}, () => {});
        surface.on('status', resolve);
      });
      expect(ended).toMatchObject({
        code: status.INTERNAL,
        details: expect.stringMatching(/^Request message serialization failure: /),
      });
    }
    expect(server.received).toBe(0);
    expect(c.breaker().stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { failures: 0, ignored: 3 },
    });
    expect((await call(c.client, 'unary').ended).status.code).toBe(status.OK);
  });

  it('written mid-stream is ignored, and frees a half-open trial slot', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const c = inventoryClient(server.address, options);
    await halfOpen(c);
    const answer = held();
    server.answer(answer.answer);
    const stream = c.client.Restock(new grpc.Metadata(), {});
    stream.on('data', () => {});
    stream.on('error', () => {});
    const ended = new Promise<StatusObject>((resolve) => stream.on('status', resolve));
    stream.write({ sku: 'a', quantity: 1 });
    await server.arrivals(2);
    stream.write(unserializable);
    expect((await ended).code).toBe(status.INTERNAL);
    expect(c.breaker().stats()).toMatchObject({
      state: 'half-open',
      inFlight: 0,
      totals: { failures: 1, ignored: 1 },
    });
    server.answer(ok);
    expect((await call(c.client, 'unary').ended).status.code).toBe(status.OK);
    expect(c.breaker().state).toBe('closed');
  });
});

// Current grpc-js says so in words of its own; 1.8's are a server's too (see src/caller-fault.ts).
const sendLimitOwnWords = major > 1 || minor >= 11;

describe.runIf(sendLimitOwnWords)('a request larger than the client’s own send limit', () => {
  it('is ignored: the server never had it', async () => {
    const server = await startInventory(onTestFinished, ok);
    const c = inventoryClient(server.address, options, {
      channelOptions: { 'grpc.max_send_message_length': 64 },
    });
    for (let i = 0; i < 3; i++) {
      const ended = await new Promise<StatusObject>((resolve) => {
        const request = { sku: 'x'.repeat(1_000) };
        const surface = c.client.GetStock(request, new grpc.Metadata(), {}, () => {});
        surface.on('status', resolve);
      });
      expect(ended).toMatchObject({
        code: status.RESOURCE_EXHAUSTED,
        details: 'Attempted to send message with a size larger than 64',
      });
    }
    expect(server.received).toBe(0);
    expect(c.breaker().stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { failures: 0, ignored: 3 },
    });
    expect((await call(c.client, 'unary').ended).status.code).toBe(status.OK);
  });
});

describe.runIf(closeEndsQueuedCalls)(
  'a client closed while its calls wait for a connection',
  () => {
    it.each(kinds)('does not count its %s call as a failure', async (kind) => {
      const server = await startInventory(onTestFinished, ok);
      const c = inventoryClient(server.address, { minimumCalls: 1 });
      // A new client has no connection yet: the call waits for one, and nothing has been sent.
      const pending = call(c.client, kind);
      c.client.close();
      expect((await pending.ended).status).toMatchObject({
        code: status.UNAVAILABLE,
        details: 'Channel closed before call started',
      });
      expect(server.received).toBe(0);
      expect(c.breaker().stats()).toMatchObject({
        state: 'closed',
        inFlight: 0,
        totals: { failures: 0 },
      });
    });
  },
);

// grpc-js asks a call's credentials for their metadata once it has picked a connection, and ends
// the call there if they fail: nothing is sent. The code is the generator's error's own (UNKNOWN
// without one); the codes a control plane may not give (INVALID_ARGUMENT, NOT_FOUND …) become
// INTERNAL, their details prefixed. Per-call credentials need no secure channel, from 1.8 to 1.14.
describe('call credentials whose metadata generator fails', () => {
  const plugin = 'Getting metadata from plugin failed with error: token revoked';

  /** Per-call credentials whose generator fails with an error with `code`, if one is given. */
  function failingCredentials(code?: number) {
    return grpc.credentials.createFromMetadataGenerator((_params, callback) => {
      const error = new Error('token revoked');
      callback(code === undefined ? error : Object.assign(error, { code }));
    });
  }

  it.each([
    ['no code', undefined, status.UNKNOWN, plugin],
    ['UNAUTHENTICATED', status.UNAUTHENTICATED, status.UNAUTHENTICATED, plugin],
    ['UNAVAILABLE', status.UNAVAILABLE, status.UNAVAILABLE, plugin],
    ['DEADLINE_EXCEEDED', status.DEADLINE_EXCEEDED, status.DEADLINE_EXCEEDED, plugin],
    ['CANCELLED', status.CANCELLED, status.CANCELLED, plugin],
    [
      'NOT_FOUND',
      status.NOT_FOUND,
      status.INTERNAL,
      `Invalid status from control plane: 5 NOT_FOUND ${plugin}`,
    ],
  ])('with %s is ignored: the server never had it', async (_name, errorCode, code, details) => {
    const server = await startInventory(onTestFinished, ok);
    const c = inventoryClient(server.address, options);
    const credentials = failingCredentials(errorCode);
    for (let i = 0; i < 3; i++) {
      const ended = await call(c.client, 'unary', { credentials }).ended;
      // The caller gets grpc-js's status as grpc-js made it.
      expect(ended.status).toMatchObject({ code, details });
      expect(ended.error).toMatchObject({ code, details });
    }
    expect(server.received).toBe(0);
    expect(c.breaker().stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { failures: 0, ignored: 3 },
    });
    // The service, asked without those credentials, answers; and its own failure still counts.
    expect((await call(c.client, 'unary').ended).status.code).toBe(status.OK);
    server.answer(fail(status.UNAVAILABLE));
    expect((await call(c.client, 'unary').ended).status.code).toBe(status.UNAVAILABLE);
    expect(c.breaker().stats()).toMatchObject({ state: 'open', totals: { failures: 1 } });
  });

  it.each(kinds)('in a %s call is ignored', async (kind) => {
    const server = await startInventory(onTestFinished, ok);
    const c = inventoryClient(server.address, options);
    const credentials = failingCredentials(status.UNAUTHENTICATED);
    const ended = await call(c.client, kind, { credentials }).ended;
    expect(ended.status).toMatchObject({ code: status.UNAUTHENTICATED, details: plugin });
    expect(server.received).toBe(0);
    expect(c.breaker().stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { failures: 0, ignored: 1 },
    });
  });

  it('admitted as a half-open trial is ignored, and frees the trial slot', async () => {
    const server = await startInventory(onTestFinished, fail(status.UNAVAILABLE));
    const c = inventoryClient(server.address, options);
    await halfOpen(c);
    const trial = call(c.client, 'unary', { credentials: failingCredentials(status.UNAVAILABLE) });
    expect((await trial.ended).status).toMatchObject({ code: status.UNAVAILABLE, details: plugin });
    expect(server.received).toBe(1);
    expect(c.breaker().stats()).toMatchObject({
      state: 'half-open',
      inFlight: 0,
      totals: { failures: 1, ignored: 1 },
    });
    // The slot is free: the next call is the trial, reaches the service, and closes the circuit.
    const answer = held();
    server.answer(answer.answer);
    const next = call(c.client, 'unary');
    await reachedServer(server.arrivals(2), next);
    answer.release(ok);
    expect((await next.ended).status.code).toBe(status.OK);
    expect(c.breaker().state).toBe('closed');
  });
});
