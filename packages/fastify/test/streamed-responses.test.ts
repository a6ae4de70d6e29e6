// A response streamed from a Readable is judged when it is over: a stream that fails after the
// headers went out makes Fastify destroy the response, which is the route failing, not the client
// leaving; a client that hangs up mid-stream is still ignored.
import { request as httpRequest } from 'node:http';
import { PassThrough } from 'node:stream';
import { BreakerRegistry } from '@tripswitch/core';
import { nextOutcome } from '@tripswitch/test-breakers';
import Fastify from 'fastify';
import { expect, it, onTestFinished } from 'vitest';
import { breakerPlugin } from '../src/index.ts';
import { deferred } from './deferred.ts';

/** An app whose GET /stream answers with `body`, a stream the test writes to and breaks. */
async function streamingApp(registry: BreakerRegistry, body: PassThrough): Promise<string> {
  const app = Fastify({ logger: false });
  await app.register(breakerPlugin, { registry });
  app.get('/stream', (_request, reply) => reply.type('text/plain').send(body));
  onTestFinished(() => app.close());
  return app.listen({ port: 0, host: '127.0.0.1' });
}

/** GETs `url`; resolves with the client's request once the first bytes of the body arrived. */
function startReading(url: string) {
  const firstBytes = deferred<void>();
  const closed = deferred<void>();
  const clientRequest = httpRequest(url, { agent: false }, (response) => {
    response.once('data', () => firstBytes.resolve());
    response.on('error', () => {});
    response.on('close', () => closed.resolve());
  });
  clientRequest.on('error', () => closed.resolve());
  clientRequest.end();
  onTestFinished(() => {
    clientRequest.destroy();
  });
  return { clientRequest, firstBytes: firstBytes.promise, closed: closed.promise };
}

it('records a stream that fails after the headers were sent as a failure', async () => {
  const registry = new BreakerRegistry();
  const body = new PassThrough();
  const url = await streamingApp(registry, body);
  const outcome = nextOutcome(registry);

  const reading = startReading(`${url}/stream`);
  body.write('first part');
  await reading.firstBytes;
  body.destroy(new Error('the upstream went away mid-stream'));

  expect(await outcome).toMatchObject({ kind: 'failure', name: 'fastify' });
  await reading.closed;
  expect(registry.get('fastify').stats()).toMatchObject({
    calls: 1,
    failures: 1,
    inFlight: 0,
    totals: { ignored: 0 },
  });
});

it('records a web ReadableStream that errors after the headers were sent as a failure', async () => {
  const registry = new BreakerRegistry();
  const app = Fastify({ logger: false });
  await app.register(breakerPlugin, { registry });
  let breakStream: (error: Error) => void = () => {};
  app.get('/web', (_request, reply) => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('first part'));
        breakStream = (error) => controller.error(error);
      },
    });
    return reply.type('text/plain').send(body);
  });
  onTestFinished(() => app.close());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const outcome = nextOutcome(registry);

  const reading = startReading(`${url}/web`);
  await reading.firstBytes;
  breakStream(new Error('the upstream went away mid-stream'));

  expect(await outcome).toMatchObject({ kind: 'failure', name: 'fastify' });
  await reading.closed;
});

it('records a hijacked response the handler destroys before ending it as a failure', async () => {
  const registry = new BreakerRegistry();
  const app = Fastify({ logger: false });
  await app.register(breakerPlugin, { registry });
  app.get('/raw', (_request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/plain' });
    reply.raw.write('partial', () => reply.raw.destroy(new Error('gave up')));
  });
  onTestFinished(() => app.close());
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const outcome = nextOutcome(registry);

  const reading = startReading(`${url}/raw`);

  expect(await outcome).toMatchObject({ kind: 'failure', name: 'fastify' });
  await reading.closed;
});

it('still ignores a streamed response whose client hangs up before it ends', async () => {
  const registry = new BreakerRegistry();
  const body = new PassThrough();
  const url = await streamingApp(registry, body);
  const outcome = nextOutcome(registry);

  const reading = startReading(`${url}/stream`);
  body.write('first part');
  await reading.firstBytes;
  reading.clientRequest.destroy();

  expect(await outcome).toMatchObject({ kind: 'ignored', name: 'fastify' });
  expect(registry.get('fastify').stats()).toMatchObject({
    calls: 0,
    inFlight: 0,
    totals: { failures: 0, ignored: 1 },
  });
});
