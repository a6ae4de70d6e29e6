import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BreakerRegistry } from '@tripswitch/core';
import { serveControl } from './controls.ts';
import { serveEventStream } from './event-stream.ts';
import { checkOptions, type DashboardOptions } from './options.ts';
import { createNonce, pageHeaders, renderPage } from './page.ts';
import { sendJson, sendMethodNotAllowed, sendText } from './respond.ts';
import { routeOf } from './routes.ts';
import { takeSnapshot } from './snapshot.ts';
import { SnapshotBroadcast } from './snapshot-broadcast.ts';

/**
 * The request handler {@link dashboardHandler} returns: a plain `(req, res, next?)` function for
 * node:http, Express and NestJS, with a `close()` for shutting down.
 */
export interface DashboardHandler<Req extends IncomingMessage = IncomingMessage> {
  /**
   * Serves a request to the dashboard. A request for a path the dashboard does not have goes to
   * `next()` when there is one (Express), and is answered 404 otherwise. The control paths are
   * answered 404 while `controls` is off, `next()` or not.
   */
  (req: Req, res: ServerResponse, next?: (error?: unknown) => void): void;
  /**
   * Ends every open data stream and refuses new ones (503), so that `server.close()` can finish:
   * a page's stream would otherwise hold its connection open for as long as the page is open.
   * A stream whose client has not read all it was sent is destroyed rather than ended, since it
   * would never finish. The page and the JSON snapshot are still served.
   */
  close(): void;
}

/**
 * A live dashboard of every breaker in `registry`: a page with each breaker's state, failure and
 * slow-call rate, calls per second, refusals and time to half-open, updated over server-sent
 * events, with a sparkline of the failure rate. No build step and no external assets: the page
 * works offline. Read-only unless `controls` is on (with `authorize`).
 *
 * Paths, below where the handler is mounted:
 * - `GET /` the page (a request for the mount path itself is redirected to it, with a slash);
 * - `GET /events` the data stream: a `snapshot` event at once, every `intervalMs`, and as soon
 *   as a circuit changes state;
 * - `GET /snapshot` the same snapshot as JSON, whole names, without rates per second;
 * - `GET /breaker?id=…` one breaker, with its whole name, by the id the stream gives a long name;
 * - `POST /isolate?name=…` and `POST /reset?name=…` with `controls: true` (404 without).
 *
 * Mounting: Express strips the mount path from `req.url`, so mount it on a path and leave
 * `basePath` out; with node:http, give `basePath` (or serve it from its own server).
 *
 * @param registry - the breakers to show.
 * @throws `InvalidOptionError` when an option is invalid, or `controls` is on without `authorize`.
 *
 * @example
 * Express (NestJS on Express alike: `app.use(...)` in `main.ts`):
 * ```ts
 * import { dashboardHandler } from '@tripswitch/dashboard';
 *
 * app.use('/breakers', dashboardHandler(registry)); // http://localhost:3000/breakers/
 * ```
 *
 * @example
 * node:http, with the control buttons for operators:
 * ```ts
 * import { createServer } from 'node:http';
 * import { dashboardHandler } from '@tripswitch/dashboard';
 *
 * const dashboard = dashboardHandler(registry, {
 *   basePath: '/breakers',
 *   controls: true,
 *   authorize: (req) => req.headers.authorization === `Bearer ${process.env.OPS_TOKEN}`,
 * });
 * const server = createServer((req, res) => dashboard(req, res)).listen(9090);
 * process.once('SIGTERM', () => {
 *   dashboard.close(); // ends the open pages' streams, so close() can finish
 *   server.close();
 * });
 * ```
 */
export function dashboardHandler<Req extends IncomingMessage = IncomingMessage>(
  registry: BreakerRegistry,
  options: DashboardOptions<Req> = {},
): DashboardHandler<Req> {
  const settings = checkOptions<Req>(registry, options);
  const { basePath, controls, authorize, maxConnections } = settings;
  const broadcast = new SnapshotBroadcast(registry, settings);
  let closed = false;

  const handler = (req: Req, res: ServerResponse, next?: (error?: unknown) => void): void => {
    const route = routeOf(req.url ?? '/', basePath, originalUrlOf(req));
    const method = req.method ?? 'GET';
    if (route.kind === 'none') {
      notFound(res, next);
    } else if (route.kind === 'control' && !controls) {
      // Without controls the control endpoints do not exist, rather than exist and refuse; they
      // are answered here, not handed to next(), where a catch-all of the app's (a page for
      // every path) could answer a POST to a control path with a 200.
      sendText(res, 404, 'Not found');
    } else if (route.kind === 'control') {
      serveControl(req, res, {
        registry,
        authorize: authorize as NonNullable<typeof authorize>,
        action: route.action,
        name: route.name,
        next,
      }).catch((error: unknown) => {
        // Only a broken response gets here; nothing is left to answer.
        res.destroy(error instanceof Error ? error : undefined);
      });
    } else if (route.kind === 'events') {
      if (method !== 'GET') sendMethodNotAllowed(res, 'GET');
      else if (res.socket === null) {
        // Pipelined behind another response on the same connection (no browser does this): it
        // could only start once that one ended, never if it is a stream, yet it would take a
        // slot and pile up snapshots that cannot be sent; one connection could take them all.
        // A short refusal also lets node:http stop reading a flood of them.
        sendText(res, 503, 'The data stream needs a connection of its own', {
          'retry-after': '5',
        });
      } else if (closed || broadcast.size >= maxConnections) {
        sendText(res, 503, 'Too many dashboard connections; try again later', {
          'retry-after': '5',
        });
      } else serveEventStream(res, broadcast);
    } else if (method !== 'GET' && method !== 'HEAD') {
      sendMethodNotAllowed(res, 'GET, HEAD');
    } else if (route.kind === 'redirect') {
      sendText(res, 308, `The dashboard is at ${route.location}`, { location: route.location });
    } else if (route.kind === 'snapshot') {
      sendJson(res, 200, takeSnapshot(registry));
    } else if (route.kind === 'breaker') {
      const name = route.id === null ? undefined : broadcast.nameOf(route.id);
      const view = takeSnapshot(registry).breakers.find((breaker) => breaker.name === name);
      if (view === undefined) sendText(res, 404, 'No such breaker');
      else sendJson(res, 200, view);
    } else {
      const nonce = createNonce();
      res.writeHead(200, pageHeaders(nonce));
      res.end(renderPage(nonce, controls));
    }
  };

  return Object.assign(handler, {
    close(): void {
      closed = true;
      broadcast.close();
    },
  });
}

function notFound(res: ServerResponse, next: ((error?: unknown) => void) | undefined): void {
  if (next === undefined) sendText(res, 404, 'Not found');
  else next();
}

/** Express's `req.originalUrl`: the URL before the router stripped the mount path. */
function originalUrlOf(req: IncomingMessage): string | undefined {
  const originalUrl = (req as { originalUrl?: unknown }).originalUrl;
  return typeof originalUrl === 'string' ? originalUrl : undefined;
}
