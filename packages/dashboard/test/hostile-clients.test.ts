import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { BreakerRegistry } from '@tripswitch/core';
import { CountingRegistry } from '@tripswitch/test-breakers';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
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

/**
 * Asks for the data stream over a raw socket and never reads a byte of the answer: the server's
 * writes pile up in the kernel's buffers, then in the response's own.
 */
async function neverReading(url: string, path: string): Promise<Socket> {
  const socket = await connectTo(url);
  socket.pause();
  socket.write(streamRequest(url, path));
  return socket;
}

/**
 * Asks for the data stream `count` times in one write on one connection (HTTP pipelining), and
 * reads whatever comes back, as a client that wants to look well-behaved would.
 */
async function pipelining(url: string, path: string, count: number): Promise<Socket> {
  const socket = await connectTo(url);
  socket.resume();
  socket.write(streamRequest(url, path).repeat(count));
  return socket;
}

async function connectTo(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  onTestFinished(() => {
    socket.destroy();
  });
  await once(socket, 'connect');
  return socket;
}

function streamRequest(url: string, path: string): string {
  const { hostname } = new URL(url);
  return `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`;
}

/** A registry whose snapshot is 16 MB, more than the socket buffers of loopback. */
function hugeRegistry(): CountingRegistry {
  const registry = new CountingRegistry();
  for (let i = 0; i < 250; i++) registry.get(`${i} ${'x'.repeat(65_536)}`);
  return registry;
}

describe('snapshots larger than maxBufferBytes', () => {
  it('reach a page that keeps up, from its first one on', async () => {
    const registry = new BreakerRegistry();
    // About 45 kB a snapshot, against a buffer of 16 kB.
    for (let i = 0; i < 100; i++) registry.get(`/api/v1/customers/${i}/orders`);
    const dashboard = dashboardHandler(registry, { maxBufferBytes: 16_384 });
    const served = await serve((req, res) => dashboard(req, res));
    const stream = await EventStreamReader.open(`${served.url}/events`);
    // node:http holds the headers in the corked socket until the next tick: they are no backlog.
    expect((await stream.snapshot()).breakers).toHaveLength(100);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await stream.snapshot()).breakers).toHaveLength(100);
    expect(served.streams[0]?.destroyed).toBe(false);
  });
});

describe('clients that never read', () => {
  it('close() lets the server finish though a stream has unsent bytes, and leaves no timer', async () => {
    const registry = hugeRegistry();
    const dashboard = dashboardHandler(registry, { maxNameLength: 65_536 });
    const served = await serve((req, res) => dashboard(req, res));
    const client = await neverReading(served.url, '/events');
    // The snapshot was written to the stream, and waits there: the client reads nothing.
    while (served.streams.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const stream = served.streams[0];
    expect(stream?.writableLength).toBeGreaterThan(0);
    expect(vi.getTimerCount()).toBe(1);

    dashboard.close();
    // The stream's connection goes, so server.close() can finish, though its bytes were unsent.
    await served.streamsClosed(1);
    await served.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(registry.listeners).toBe(0);
    client.destroy();
  });
});

describe('a connection that pipelines stream requests', () => {
  it('holds one stream, whatever it asks for, and leaves the other slots to viewers', async () => {
    const dashboard = dashboardHandler(new BreakerRegistry(), { maxConnections: 2 });
    const served = await serve((req, res) => dashboard(req, res));
    await pipelining(served.url, '/events', 3);
    await served.requestsHandled(3);

    const viewer = await EventStreamReader.open(`${served.url}/events`);
    expect(viewer.response.statusCode).toBe(200);
    expect((await viewer.snapshot()).status).toBe('ok');
    // The two requests behind the first could only start once it ends, which a stream never
    // does: they hold no slot, and no snapshot that could never be sent.
    expect(served.streams).toHaveLength(2);
    // The viewer took the last slot: the bound still holds.
    expect((await send(`${served.url}/events`)).status).toBe(503);
  });
});

describe('a client that hangs up while a snapshot is on its way', () => {
  it('frees its slot, and nothing throws', async () => {
    const dashboard = dashboardHandler(hugeRegistry(), {
      maxNameLength: 65_536,
      maxConnections: 1,
    });
    const served = await serve((req, res) => dashboard(req, res));
    const client = await neverReading(served.url, '/events');
    await served.requestsHandled(1);
    // Most of its first snapshot still waits to be sent.
    expect(served.streams[0]?.writableLength).toBeGreaterThan(0);
    expect((await send(`${served.url}/events`)).status).toBe(503);

    // A reset, as a crashed client or a proxy timing out sends: the server's next write fails.
    client.resetAndDestroy();
    await served.streamsClosed(1);
    const viewer = await EventStreamReader.open(`${served.url}/events`);
    expect(viewer.response.statusCode).toBe(200);
  });
});
