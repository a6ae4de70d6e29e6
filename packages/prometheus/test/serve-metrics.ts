import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import type { MetricsRegister } from '../src/index.ts';
import { type Family, parseExposition } from './exposition.ts';

/** A metrics endpoint serving `register` over HTTP until the test ends. */
export interface MetricsEndpoint {
  url: string;
  /** GETs the endpoint and parses what it serves; fails on a status other than 200. */
  scrape(): Promise<Map<string, Family>>;
  /** GETs the endpoint and returns the raw response. */
  fetch(): Promise<{ status: number; contentType: string | null; body: string }>;
}

/** Serves `register.metrics()` on 127.0.0.1 with a free port, as an app's `/metrics` would. */
export async function serveMetrics(register: MetricsRegister): Promise<MetricsEndpoint> {
  const server = createServer((_req, res) => {
    register.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': register.contentType });
        res.end(body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  const get = async () => {
    const response = await fetch(url);
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: await response.text(),
    };
  };
  return {
    url,
    fetch: get,
    async scrape() {
      const { status, body } = await get();
      if (status !== 200) throw new Error(`The metrics endpoint answered ${status}: ${body}`);
      return parseExposition(body);
    },
  };
}
