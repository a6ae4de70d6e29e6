// A response cut short: by the route failing after its headers went out (a failure, whatever
// the status said), or by its client leaving (ignored, as before).
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { pipeline, Readable } from 'node:stream';
import { BreakerRegistry } from '@tripswitch/core';
import { nextOutcome } from '@tripswitch/test-breakers';
import type { Request, Response } from 'express';
import { beforeEach, describe, expect, it } from 'vitest';
import { breakerMiddleware } from '../src/index.ts';
import { deferred } from './deferred.ts';
import { expresses } from './expresses.ts';
import { serve } from './serve.ts';

/** GETs `url` with node:http and reads what comes; the error of a cut response is swallowed. */
function getCut(url: string, onFirstChunk?: (request: ReturnType<typeof httpRequest>) => void) {
  const request = httpRequest(url, { agent: false });
  request.on('error', () => {});
  request.on('response', (message) => {
    message.on('error', () => {});
    message.once('data', () => onFirstChunk?.(request));
    message.resume();
  });
  request.end();
}

/** Sends the headers and a first chunk, as a streaming route does before its source fails. */
function startStreaming(res: Response): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.write('first rows\n');
}

describe.each(expresses)('%s: a response cut short', (_label, express) => {
  let registry: BreakerRegistry;
  const breaker = () => registry.get('express');

  beforeEach(() => {
    registry = new BreakerRegistry();
  });

  async function appWith(
    route: (req: Request, res: Response, next: (e?: unknown) => void) => void,
  ) {
    const app = express();
    app.use(breakerMiddleware({ registry }));
    app.get('/export', route);
    return `${await serve(app)}/export`;
  }

  it('by next(err) after the headers went out: a failure, though the status was 200', async () => {
    const url = await appWith((_req, res, next) => {
      startStreaming(res);
      next(new Error('the database went away'));
    });
    const outcome = nextOutcome(registry);
    getCut(url);
    expect(await outcome).toMatchObject({ kind: 'failure' });
    expect(breaker().stats()).toMatchObject({ inFlight: 0, totals: { failures: 1, ignored: 0 } });
  });

  it('by a throw after the headers went out: a failure', async () => {
    const url = await appWith((_req, res) => {
      startStreaming(res);
      throw new Error('bug');
    });
    const outcome = nextOutcome(registry);
    getCut(url);
    expect(await outcome).toMatchObject({ kind: 'failure' });
  });

  it('by a source piped into the response that fails mid-way: a failure, with its error', async () => {
    const url = await appWith((_req, res) => {
      startStreaming(res);
      const source = new Readable({
        read() {
          this.destroy(new Error('the export query failed'));
        },
      });
      pipeline(source, res, () => {});
    });
    const outcome = nextOutcome(registry);
    getCut(url);
    const recorded = await outcome;
    expect(recorded).toMatchObject({ kind: 'failure' });
    expect((recorded.error as Error).message).toBe('the export query failed');
  });

  it('by its client closing the connection mid-stream: ignored', async () => {
    const url = await appWith((_req, res) => startStreaming(res));
    const outcome = nextOutcome(registry);
    getCut(url, (request) => request.destroy());
    expect(await outcome).toMatchObject({ kind: 'ignored' });
  });

  it('by its client resetting the connection mid-stream: ignored', async () => {
    const url = await appWith((_req, res) => startStreaming(res));
    const outcome = nextOutcome(registry);
    getCut(url, (request) => request.socket?.resetAndDestroy());
    expect(await outcome).toMatchObject({ kind: 'ignored' });
  });

  it('by a client that stopped reading a download and left, the route still writing: ignored', async () => {
    const backedUp = deferred();
    const url = new URL(
      await appWith((_req, res) => {
        startStreaming(res);
        const chunk = Buffer.alloc(1024 * 1024);
        const writeMore = () => {
          while (res.write(chunk));
          backedUp.resolve();
          res.once('drain', writeMore);
        };
        writeMore();
      }),
    );
    const socket = connect(Number(url.port), url.hostname);
    socket.on('error', () => {});
    socket.pause();
    socket.write(`GET /export HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    await backedUp.promise;
    const outcome = nextOutcome(registry);

    // Closed with unread data: the connection is reset, as a browser tab closed mid-download does.
    socket.destroy();

    expect(await outcome).toMatchObject({ kind: 'ignored' });
    expect(breaker().stats()).toMatchObject({ inFlight: 0, totals: { failures: 0, ignored: 1 } });
  });

  it('by the route dropping the connection before any header, as to an abusive client: ignored', async () => {
    const url = await appWith((req) => {
      req.socket.destroy();
    });
    const outcome = nextOutcome(registry);
    getCut(url);
    expect(await outcome).toMatchObject({ kind: 'ignored' });
  });

  it('by a server timeout, which may be a client that stopped reading: ignored, as documented', async () => {
    const url = await appWith((req, res) => {
      startStreaming(res);
      // The server's own timeout handler destroys an idle socket, without an error.
      req.socket.setTimeout(1);
    });
    const outcome = nextOutcome(registry);
    getCut(url);
    expect(await outcome).toMatchObject({ kind: 'ignored' });
  });
});
