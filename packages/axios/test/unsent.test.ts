// Requests the caller's own side ended — axios or Node refused what the request asked for before
// sending it, or the body the caller was streaming failed (its own client went away) — say
// nothing about the service: counting them would let whoever puts such values in a request, or a
// client that disconnects mid-upload, open the circuit of a healthy service.
import { once } from 'node:events';
import { createServer, request as sendRaw } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { isAxiosError } from 'axios';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { AxiosBreakerOptions } from '../src/index.ts';
import { type Client, client, rejection } from './support/setup.ts';
import { hang, ok, startUpstream } from './support/upstream.ts';

/** Opens on the first failure: a single miscounted request would open the circuit. */
const tripwire: AxiosBreakerOptions = { minimumCalls: 1, failureRateThreshold: 100 };

/** A body stream that fails as soon as axios reads it, as a client's upload does when it goes. */
function failingBody(): Readable {
  return new Readable({
    read() {
      this.destroy(new Error('the client went away'));
    },
  });
}

/** How each request goes wrong before its service could say anything, by axios's adapter. */
const unsendable: Record<string, (c: Client, url: string) => Promise<unknown>> = {
  'a header name that is no HTTP token': (c, url) => c.api.get(url, { headers: { 'x user': '1' } }),
  'a method that is no HTTP token': (c, url) => c.api.request({ url, method: 'GE T' }),
  'a path with unescaped characters': (c, url) =>
    c.api.get(url, { params: { q: 1 }, paramsSerializer: () => 'q=a b' }),
  'a body larger than maxBodyLength': (c, url) =>
    c.api.post(url, 'x'.repeat(100), { maxBodyLength: 10 }),
  'a body axios cannot send': (c, url) => c.api.post(url, Symbol('body') as never),
  'a timeout that is no number': (c, url) => c.api.get(url, { timeout: 'soon' as never }),
  'a body stream that fails': (c, url) => c.api.post(url, failingBody()),
};

// Of those, what axios's fetch adapter refuses with an error that says so: Node's fetch escapes a
// path's spaces, and words a bad header name or method in a TypeError of its own.
const unsendableByFetch = ['a body larger than maxBodyLength', 'a body stream that fails'];

describe.each([
  ['http', undefined, Object.keys(unsendable)],
  ['fetch', 'fetch', unsendableByFetch],
] as const)(
  'with axios’s %s adapter, a request its caller’s side ended',
  (_name, adapter, cases) => {
    it.each(cases)('%s is ignored: it says nothing about the service', async (how) => {
      const upstream = await startUpstream(ok);
      const c = client(tripwire, adapter === undefined ? {} : { adapter });
      await rejection((unsendable[how] as (typeof unsendable)[string])(c, upstream.url));
      expect(upstream.received).toBe(0);
      expect(c.breaker(upstream.url).stats()).toMatchObject({
        state: 'closed',
        inFlight: 0,
        totals: { successes: 0, failures: 0, ignored: 1 },
      });
      // The circuit still lets requests through.
      expect((await c.api.get(upstream.url)).status).toBe(200);
    });
  },
);

describe('a gateway forwarding an upload', () => {
  it('whose client goes away mid-upload: ignored, not a failure of the upstream', async () => {
    const upstream = await startUpstream(hang);
    const c = client(tripwire);
    let forwarded!: Promise<unknown>;
    const gateway = createServer((incoming) => {
      forwarded = rejection(c.api.post(upstream.url, incoming));
    });
    gateway.listen(0, '127.0.0.1');
    await once(gateway, 'listening');
    onTestFinished(() => {
      gateway.closeAllConnections();
      gateway.close();
    });
    const { port } = gateway.address() as AddressInfo;
    const upload = sendRaw({
      host: '127.0.0.1',
      port,
      method: 'POST',
      headers: { 'content-length': '1000' },
    });
    upload.on('error', () => {});
    upload.write('the first tenth of the upload');
    await upstream.arrivals(1);
    upload.destroy();
    const error = await forwarded;
    expect(isAxiosError(error) && error.code).toBe('ECONNRESET');
    expect(c.breaker(upstream.url).stats()).toMatchObject({
      state: 'closed',
      inFlight: 0,
      totals: { failures: 0, ignored: 1 },
    });
  });
});
