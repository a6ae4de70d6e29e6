// The stream API: got runs no hook when a stream's response arrives or when its caller destroys
// it, so these paths are watched from the stream itself.
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CircuitOpenError } from '../src/index.ts';
import { client, gots, quickRetries, until } from './support/setup.ts';
import { closedPort, held, ok, startUpstream, status } from './support/upstream.ts';

describe.each(gots)('$name: client.stream()', ({ got }) => {
  it('a 2xx is a success, judged when the response arrives', async () => {
    const upstream = await startUpstream(ok);
    const c = client(got);
    const chunks = await c.got.stream(upstream.url).toArray();
    expect(Buffer.concat(chunks).toString()).toBe('{"ok":true}');
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, ignored: 0 },
    });
  });

  it('a 5xx is a failure, and the stream errors with got’s HTTPError', async () => {
    const upstream = await startUpstream(status(502));
    const c = client(got);
    const [error] = await once(c.got.stream(upstream.url), 'error');
    expect(error).toMatchObject({ name: 'HTTPError' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('a 5xx with throwHttpErrors: false is a failure, though the stream flows', async () => {
    const upstream = await startUpstream(status(503));
    const c = client(got, {}, { throwHttpErrors: false });
    await c.got.stream(upstream.url).toArray();
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('a network error is a failure', async () => {
    const url = await closedPort();
    const c = client(got);
    const [error] = await once(c.got.stream(url), 'error');
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(c.breaker(url).stats()).toMatchObject({ inFlight: 0, totals: { failures: 1 } });
  });

  it('destroyed by its caller mid-response: the success is counted once, nothing more', async () => {
    let open: ServerResponse | undefined;
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first chunk of many');
      open = response;
    });
    const c = client(got);
    const stream = c.got.stream(upstream.url);
    await once(stream, 'data');
    expect(c.breaker(upstream.url).stats()).toMatchObject({ inFlight: 0 });
    stream.destroy();
    await once(stream, 'close');
    open?.end();
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 1, failures: 0, ignored: 0 },
    });
  });

  it('destroyed by its caller before the response: ignored', async () => {
    const upstream = await startUpstream(held());
    const c = client(got);
    const stream = c.got.stream(upstream.url);
    await upstream.arrivals(1);
    expect(c.breaker(upstream.url).inFlight).toBe(1);
    stream.destroy();
    await once(stream, 'close');
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { ignored: 1, failures: 0, successes: 0 },
    });
  });

  it('destroyed by its caller while our hook waits for a bulkhead slot: ignored, never sent', async () => {
    const answer = held();
    const upstream = await startUpstream(answer);
    const c = client(got, { bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const first = c.got(upstream.url);
    await upstream.arrivals(1);
    const stream = c.got.stream(upstream.url);
    stream.on('error', () => {});
    await until(() => c.breaker(upstream.url).stats().bulkhead?.queued === 1);
    stream.destroy();
    await once(stream, 'close');
    // The hook gets its slot once the first request settles, finds its stream gone, and lets go.
    const letGo = new Promise((resolve) => c.registry.on('ignored', resolve));
    answer.release();
    await Promise.all([first, letGo]);
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      bulkhead: { active: 0, queued: 0 },
    });
  });

  it('a neighbouring beforeRequest hook that throws: nothing sent, the permit ignored', async () => {
    const upstream = await startUpstream(ok);
    const c = client(got);
    const neighbour = c.got.extend({
      hooks: {
        beforeRequest: [
          () => {
            throw new Error('boom');
          },
        ],
      },
    });
    const [error] = await once(neighbour.stream(upstream.url), 'error');
    expect(error).toMatchObject({ message: 'boom' });
    expect(upstream.received).toBe(0);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { ignored: 1, failures: 0 },
    });
  });

  // The hook that takes the permit is synchronous when nothing can make it wait: a throw from
  // it must reach a stream as an error, as a promise's rejection would.
  it('a key that throws: the stream errors naming the option, nothing sent or held', async () => {
    const upstream = await startUpstream(ok);
    const c = client(got, {
      key: () => {
        throw new Error('no key for you');
      },
    });
    const [error] = await once(c.got.stream(upstream.url), 'error');
    expect(error).toMatchObject({ message: 'no key for you' });
    expect(upstream.received).toBe(0);
    expect(c.registry.stats()).toEqual([]);
  });

  it('aborted through its signal: ignored', async () => {
    const upstream = await startUpstream(held());
    const c = client(got);
    const controller = new AbortController();
    const stream = c.got.stream(upstream.url, { signal: controller.signal });
    const failed = once(stream, 'error');
    await upstream.arrivals(1);
    controller.abort();
    expect((await failed)[0]).toMatchObject({ code: 'ERR_ABORTED' });
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { ignored: 1 },
    });
  });

  it('a redirect is an attempt of its own, settled before the next', async () => {
    const upstream = await startUpstream((request, response) => {
      if (request.url === '/start') response.writeHead(301, { location: '/end' }).end();
      else ok(request, response);
    });
    const c = client(got);
    await c.got.stream(`${upstream.url}/start`).toArray();
    expect(upstream.paths).toEqual(['/start', '/end']);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { successes: 2 },
    });
  });

  it('a retry through got’s retry event is refused while the circuit is open', async () => {
    const upstream = await startUpstream(status(500));
    const c = client(got, { consecutiveFailures: 1 }, { retry: quickRetries(1) });
    const stream = c.got.stream(upstream.url);
    const [, , createRetryStream] = await once(stream, 'retry');
    const retry = (createRetryStream as () => typeof stream)();
    const [error] = await once(retry, 'error');
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(upstream.received).toBe(1);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, rejected: 1 },
    });
  });

  it('a retry through got’s retry event that succeeds leaks no permit (and is not recorded)', async () => {
    let calls = 0;
    const upstream = await startUpstream((request, response) => {
      if (++calls === 1) status(500)(request, response);
      else ok(request, response);
    });
    const c = client(got, {}, { retry: quickRetries(1) });
    const stream = c.got.stream(upstream.url);
    const [, , createRetryStream] = await once(stream, 'retry');
    const retry = (createRetryStream as () => typeof stream)();
    const chunks = await retry.toArray();
    expect(Buffer.concat(chunks).toString()).toBe('{"ok":true}');
    expect(upstream.received).toBe(2);
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      inFlight: 0,
      totals: { failures: 1, successes: 0, ignored: 1 },
    });
  });
});
