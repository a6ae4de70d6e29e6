import { createServer, type RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { BreakerRegistry, breakerMiddleware } from '@tripswitch/express';
import { breakerPlugin } from '@tripswitch/fastify';
import { breakerMiddleware as honoBreakerMiddleware } from '@tripswitch/hono';
import express, { type RequestHandler } from 'express';
import Fastify from 'fastify';
import { Hono, type MiddlewareHandler } from 'hono';

/** The servers a thread of {@link startServerThread} can run. */
export type ServerName =
  | 'express'
  | 'express-floor'
  | 'express-breaker'
  | 'fastify'
  | 'fastify-floor'
  | 'fastify-breaker'
  | 'hono'
  | 'hono-floor'
  | 'hono-breaker'
  | 'upstream';

// The floors: the least any breaker adapter costs a request in each framework, with no breaker.
// An adapter must run when a request arrives (a middleware, a hook) and learn when its response
// is over: in Express and Fastify a 'close' listener on the response; in Hono, awaiting next().

/** What each framework's floor server does, for the reports. */
export const floorDescriptions = {
  express: "a middleware adding a 'close' listener to the response",
  fastify: "an onRequest hook adding a 'close' listener to the response",
  hono: 'a middleware that awaits next()',
} as const;
const noop = (): void => {};
const expressFloor: RequestHandler = (_req, res, next) => {
  res.on('close', noop);
  next();
};
const honoFloor: MiddlewareHandler = async (_c, next) => {
  await next();
};

/** A server's request handler, and the registry of its breakers when it has any. */
export interface BuiltServer {
  listener: RequestListener;
  registry?: BreakerRegistry;
}

/** What every server answers: a small JSON document. */
export const document = { hello: 'world' };
const documentText = JSON.stringify(document);

/** Builds the request handler of a server, as a user of the library would write it. */
export async function buildServer(name: ServerName): Promise<BuiltServer> {
  switch (name) {
    case 'express':
      return { listener: expressApp() };
    case 'express-floor':
      return { listener: expressApp(expressFloor) };
    case 'express-breaker': {
      // The registry only lets the run read the breaker's counts afterwards; it changes nothing.
      const registry = new BreakerRegistry();
      return { listener: expressApp(breakerMiddleware({ registry })), registry };
    }
    case 'fastify':
      return { listener: await fastifyApp() };
    case 'fastify-floor':
      return { listener: await fastifyApp('floor') };
    case 'fastify-breaker': {
      const registry = new BreakerRegistry();
      return { listener: await fastifyApp(registry), registry };
    }
    case 'hono':
      return { listener: honoApp() };
    case 'hono-floor':
      return { listener: honoApp(honoFloor) };
    case 'hono-breaker': {
      const registry = new BreakerRegistry();
      return { listener: honoApp(honoBreakerMiddleware({ registry })), registry };
    }
    case 'upstream':
      return {
        listener: (_req, res) => {
          res.writeHead(200, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(documentText),
          });
          res.end(documentText);
        },
      };
  }
}

/** An Express 5 app with one JSON route, behind `middleware` when there is one. */
function expressApp(middleware?: RequestHandler): RequestListener {
  const app = express();
  if (middleware !== undefined) app.use(middleware);
  app.get('/', (_req, res) => {
    res.json(document);
  });
  return app;
}

/**
 * A Fastify 5 app with one JSON route, behind `breakerPlugin` when given a registry, or the floor's
 * hook. Its request handler is taken from `serverFactory`, so the worker serves it like the others.
 */
async function fastifyApp(registry?: BreakerRegistry | 'floor'): Promise<RequestListener> {
  let listener: RequestListener | undefined;
  const app = Fastify({
    serverFactory: (handler) => {
      listener = handler;
      return createServer(handler);
    },
  });
  if (registry === 'floor') {
    app.addHook('onRequest', (_request, reply, done) => {
      reply.raw.on('close', noop);
      done();
    });
  } else if (registry !== undefined) {
    await app.register(breakerPlugin, { registry });
  }
  app.get('/', async () => document);
  await app.ready();
  if (listener === undefined) throw new Error('Fastify did not build its request handler');
  return listener;
}

/** A Hono app with one JSON route on `@hono/node-server`, behind `middleware` when there is one. */
function honoApp(middleware?: MiddlewareHandler): RequestListener {
  const app = new Hono();
  if (middleware !== undefined) app.use(middleware);
  app.get('/', (c) => c.json(document));
  return getRequestListener(app.fetch);
}
