import type { ServerResponse } from 'node:http';
import { BreakerRegistry } from '@tripswitch/core';
import { CountingRegistry } from '@tripswitch/test-breakers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dashboardHandler } from '../src/index.ts';
import { EventStreamReader } from './event-stream-reader.ts';
import { send, serve } from './serve.ts';

// Only the dashboard's interval and clock are fake: sockets and node:http's own timers are real.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function failing(registry: BreakerRegistry, name: string, count: number): void {
  for (let i = 0; i < count; i++) registry.get(name).tryAcquire()?.failure(new Error('down'));
}

function succeeding(registry: BreakerRegistry, name: string, count: number): void {
  for (let i = 0; i < count; i++) registry.get(name).tryAcquire()?.success();
}

const tripping = { minimumCalls: 4, window: { type: 'count' as const, size: 4 } };

describe('the data stream', () => {
  it('sends a snapshot at once, then one per interval with calls per second', async () => {
    const registry = new BreakerRegistry();
    succeeding(registry, 'payments', 3);
    const dashboard = dashboardHandler(registry, { intervalMs: 2000 });
    const { url } = await serve((req, res) => dashboard(req, res));
    const stream = await EventStreamReader.open(`${url}/events`);
    expect(stream.response.statusCode).toBe(200);
    expect(stream.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers['cache-control']).toBe('no-store, no-transform');

    const first = await stream.snapshot();
    expect(stream.retry).toBe(2000);
    expect(first.breakers).toEqual([
      expect.objectContaining({ name: 'payments', calls: 3, callsPerSecond: null }),
    ]);

    succeeding(registry, 'payments', 6);
    failing(registry, 'payments', 2);
    registry.get('payments').tryAcquire()?.ignore();
    await vi.advanceTimersByTimeAsync(2000);
    const second = await stream.snapshot();
    // 9 calls completed in 2 s, none refused.
    expect(second.breakers[0]).toMatchObject({ callsPerSecond: 4.5, rejectedPerSecond: 0 });

    registry.get('payments').isolate();
    await stream.snapshot(); // the state change, pushed at once
    for (let i = 0; i < 5; i++) registry.get('payments').tryAcquire();
    await vi.advanceTimersByTimeAsync(2000);
    expect((await stream.snapshot()).breakers[0]).toMatchObject({
      state: 'forced-open',
      callsPerSecond: 0,
      rejectedPerSecond: 2.5,
      rejected: 5,
    });
  });

  it('pushes a state change at once, without waiting for the interval', async () => {
    const registry = new BreakerRegistry({ defaults: tripping });
    registry.get('payments');
    const dashboard = dashboardHandler(registry, { intervalMs: 60_000 });
    const { url } = await serve((req, res) => dashboard(req, res));
    const stream = await EventStreamReader.open(`${url}/events`);
    expect((await stream.snapshot()).breakers[0]?.state).toBe('closed');

    failing(registry, 'payments', 4);
    const pushed = await stream.snapshot();
    expect(pushed.status).toBe('degraded');
    expect(pushed.breakers[0]).toMatchObject({ state: 'open', failureRate: 100 });
    expect(pushed.breakers[0]?.retryAfterMs).toBeGreaterThan(0);
    expect(vi.getTimerCount()).toBe(1); // the interval has not fired: no time has passed
  });

  it('makes one push of several transitions in one turn, and keeps the interval rates', async () => {
    const registry = new BreakerRegistry();
    const dashboard = dashboardHandler(registry, { intervalMs: 1000 });
    const { url } = await serve((req, res) => dashboard(req, res));
    const stream = await EventStreamReader.open(`${url}/events`);
    await stream.snapshot();
    succeeding(registry, 'a', 10);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await stream.snapshot()).breakers[0]?.callsPerSecond).toBe(10);

    succeeding(registry, 'a', 5);
    registry.get('a').isolate();
    registry.get('a').reset();
    registry.get('b').isolate();
    const pushed = await stream.snapshot();
    expect(pushed.breakers.map(({ name, state }) => [name, state])).toEqual([
      ['a', 'closed'],
      ['b', 'forced-open'],
    ]);
    // The push shows the last interval's rates, not a measure over a few milliseconds.
    expect(pushed.breakers[0]?.callsPerSecond).toBe(10);
    expect(pushed.breakers[1]?.callsPerSecond).toBeNull();

    await vi.advanceTimersByTimeAsync(1000);
    // Had the three transitions made more than one push, the next event would be another push.
    const ticked = await stream.snapshot();
    expect(ticked.breakers[0]?.callsPerSecond).toBe(5);
    expect(ticked.breakers[1]?.callsPerSecond).toBe(0);
    expect(stream.received).toBe(4);
  });

  it('keeps one timer and one registry listener for all its streams, and removes them with the last', async () => {
    const registry = new CountingRegistry();
    const dashboard = dashboardHandler(registry);
    const served = await serve((req, res) => dashboard(req, res));
    expect(vi.getTimerCount()).toBe(0);

    const streams = [
      await EventStreamReader.open(`${served.url}/events`),
      await EventStreamReader.open(`${served.url}/events`),
    ];
    await Promise.all(streams.map((stream) => stream.snapshot()));
    expect(vi.getTimerCount()).toBe(1);
    expect(registry.listeners).toBe(1);

    streams[0]?.close();
    await served.streamsClosed(1);
    expect(vi.getTimerCount()).toBe(1);
    expect(registry.listeners).toBe(1);

    streams[1]?.close();
    await served.streamsClosed(2);
    expect(vi.getTimerCount()).toBe(0);
    expect(registry.listeners).toBe(0);
    // Nothing left behind fires on a later state change or tick.
    registry.get('payments').isolate();
    await vi.advanceTimersByTimeAsync(5000);
    expect(streams.map((stream) => stream.received)).toEqual([1, 1]);
  });

  it('refuses streams beyond maxConnections with a 503, and frees a slot on hang-up', async () => {
    const dashboard = dashboardHandler(new BreakerRegistry(), { maxConnections: 2 });
    const served = await serve((req, res) => dashboard(req, res));
    const first = await EventStreamReader.open(`${served.url}/events`);
    await EventStreamReader.open(`${served.url}/events`);

    const refused = await send(`${served.url}/events`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    // The page and the snapshot are not streams, and are still served.
    expect((await send(`${served.url}/snapshot`)).status).toBe(200);

    first.close();
    await served.streamsClosed(1);
    const third = await EventStreamReader.open(`${served.url}/events`);
    expect(third.response.statusCode).toBe(200);
    await third.snapshot();
  });

  it('close() ends every stream and refuses new ones, so the server can close', async () => {
    const registry = new CountingRegistry();
    const dashboard = dashboardHandler(registry);
    const served = await serve((req, res) => dashboard(req, res));
    const stream = await EventStreamReader.open(`${served.url}/events`);
    await stream.snapshot();

    dashboard.close();
    await served.streamsClosed(1);
    await expect(stream.next()).rejects.toThrow('the stream has ended');
    expect(vi.getTimerCount()).toBe(0);
    expect(registry.listeners).toBe(0);
    expect((await send(`${served.url}/events`)).status).toBe(503);
    expect((await send(`${served.url}/`)).status).toBe(200);
  });

  it('drops a client that does not read once its buffer is full, and keeps serving the others', async () => {
    const registry = new BreakerRegistry({ maxBreakers: 2000 });
    // Big snapshots (about 400 kB each), so the socket's buffers fill after a few.
    for (let i = 0; i < 1500; i++) registry.get(`${'x'.repeat(120)}-${i}`);
    const maxBufferBytes = 1_048_576;
    const dashboard = dashboardHandler(registry, { intervalMs: 1000, maxBufferBytes });
    const served = await serve((req, res) => dashboard(req, res));
    const stuck = await EventStreamReader.open(`${served.url}/events`);
    stuck.response.pause();
    const reading = await EventStreamReader.open(`${served.url}/events`);
    const response = served.streams[0] as ServerResponse;

    let most = 0;
    for (let i = 0; i < 60 && !response.destroyed; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      most = Math.max(most, response.writableLength);
      await reading.snapshot();
    }
    // Dropped, having never held more than its buffer.
    await served.streamsClosed(1);
    expect(response.destroyed).toBe(true);
    expect(most).toBeLessThanOrEqual(maxBufferBytes);
    // The reader that keeps up still gets every snapshot.
    await vi.advanceTimersByTimeAsync(1000);
    expect((await reading.snapshot()).breakers).toHaveLength(1500);
  });

  it('cuts long names in the stream, and gives the whole name on demand', async () => {
    const registry = new BreakerRegistry();
    const long = `/api/${'segment/'.repeat(500)}end`;
    registry.get(long);
    registry.get('short');
    const dashboard = dashboardHandler(registry, { maxNameLength: 40 });
    const served = await serve((req, res) => dashboard(req, res));
    const stream = await EventStreamReader.open(`${served.url}/events`);
    const [cut, short] = (await stream.snapshot()).breakers;
    expect(cut?.name).toBe(`${long.slice(0, 39)}\u2026`);
    expect(cut).toMatchObject({
      nameLength: long.length,
      id: expect.stringMatching(/^[\w-]{16}$/),
    });
    expect(short).toMatchObject({ name: 'short' });
    expect(short?.id).toBeUndefined();
    const whole = await send(`${served.url}/breaker?id=${cut?.id}`);
    expect(whole.status).toBe(200);
    expect(JSON.parse(whole.body)).toMatchObject({ name: long, state: 'closed' });
    expect((await send(`${served.url}/breaker?id=nope`)).status).toBe(404);
    // The JSON snapshot has whole names.
    expect(JSON.parse((await send(`${served.url}/snapshot`)).body).breakers[0].name).toBe(long);
  });
});
