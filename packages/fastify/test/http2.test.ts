// Fastify over HTTP/2 (h2c, `http2: true`): the response is Node's HTTP/2 compatibility
// response, whose 'close' the plugin settles from as it does over HTTP/1.1 — judged by the
// status once ended, ignored when the client cancelled the stream first.
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { BreakerRegistry } from '@tripswitch/core';
import { nextOutcome } from '@tripswitch/test-breakers';
import Fastify from 'fastify';
import { expect, it, onTestFinished } from 'vitest';
import { breakerPlugin } from '../src/index.ts';
import { deferred } from './deferred.ts';

async function h2App(registry: BreakerRegistry) {
  const app = Fastify({ http2: true });
  await app.register(breakerPlugin, { registry });
  return app;
}

async function connect(app: Awaited<ReturnType<typeof h2App>>): Promise<http2.ClientHttp2Session> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const session = http2.connect(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  session.on('error', () => {});
  onTestFinished(async () => {
    session.destroy();
    await app.close();
  });
  return session;
}

/** GETs `path` on `session` and reads the whole answer; resolves with its status. */
function get(session: http2.ClientHttp2Session, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path });
    let status = 0;
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
    });
    stream.on('data', () => {});
    stream.on('end', () => resolve(status));
    stream.on('error', reject);
    stream.end();
  });
}

it('records a 2xx as a success and a 5xx as a failure over HTTP/2', async () => {
  const registry = new BreakerRegistry();
  const app = await h2App(registry);
  app.get('/ok', async () => 'fine');
  app.get('/down', async (_request, reply) => reply.code(503).send('down'));
  const session = await connect(app);

  let outcome = nextOutcome(registry);
  expect(await get(session, '/ok')).toBe(200);
  expect(await outcome).toMatchObject({ kind: 'success', name: 'fastify' });
  outcome = nextOutcome(registry);
  expect(await get(session, '/down')).toBe(503);
  expect(await outcome).toMatchObject({ kind: 'failure', name: 'fastify' });
  expect(registry.get('fastify').stats()).toMatchObject({ calls: 2, failures: 1, inFlight: 0 });
});

it('ignores a request whose client cancels its stream before the response', async () => {
  const registry = new BreakerRegistry();
  const app = await h2App(registry);
  // Wrapped: a reply is a thenable (`await reply`), which a promise would adopt.
  const inHandler = deferred<{ answer: () => void }>();
  app.get('/slow', (_request, reply) => {
    inHandler.resolve({ answer: () => reply.code(500).send('too late') });
  });
  const session = await connect(app);
  const outcome = nextOutcome(registry);

  const stream = session.request({ ':path': '/slow' });
  stream.on('error', () => {});
  stream.end();
  const { answer } = await inHandler.promise;
  expect(registry.get('fastify').inFlight).toBe(1);
  stream.close(http2.constants.NGHTTP2_CANCEL);

  expect(await outcome).toMatchObject({ kind: 'ignored', name: 'fastify' });
  // The handler answering after all changes nothing.
  answer();
  expect(registry.get('fastify').stats()).toMatchObject({
    calls: 0,
    inFlight: 0,
    totals: { successes: 0, failures: 0, ignored: 1 },
  });
});
