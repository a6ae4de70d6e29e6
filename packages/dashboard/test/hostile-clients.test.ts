import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { BreakerRegistry } from '@tripswitch/core';
import { CountingRegistry } from '@tripswitch/test-breakers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dashboardHandler } from '../src/index.ts';
import { EventStreamReader } from './event-stream-reader.ts';
import { serve } from './serve.ts';

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
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  socket.pause();
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`);
  return socket;
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
