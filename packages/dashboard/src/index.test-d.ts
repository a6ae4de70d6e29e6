// Type tests, checked by `tsc` in the typecheck task: expectTypeOf fails compilation on a mismatch.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { BreakerRegistry } from '@tripswitch/core';
import express, { type Request } from 'express';
import { expectTypeOf } from 'vitest';
import { type ControlRequest, type DashboardHandler, dashboardHandler } from './index.ts';

const registry = new BreakerRegistry();

// node:http: the handler is a request listener as it is.
createServer(dashboardHandler(registry, { basePath: '/breakers' }));
expectTypeOf(dashboardHandler(registry)).toEqualTypeOf<DashboardHandler<IncomingMessage>>();
expectTypeOf(dashboardHandler(registry)).parameter(0).toEqualTypeOf<IncomingMessage>();
expectTypeOf(dashboardHandler(registry)).parameter(1).toEqualTypeOf<ServerResponse>();

// Express: mounted on a path, and authorize sees Express's request when it asks for it.
const app = express();
app.use('/breakers', dashboardHandler(registry));
app.use(
  '/ops/breakers',
  dashboardHandler(registry, {
    controls: true,
    authorize: (req: Request, control) => {
      expectTypeOf(control).toEqualTypeOf<ControlRequest>();
      return req.get('x-role') === 'ops' && control.action === 'reset';
    },
  }),
);

// authorize may be async.
dashboardHandler(registry, { controls: true, authorize: async () => true });

// @ts-expect-error authorize answers with a boolean
dashboardHandler(registry, { controls: true, authorize: () => 'yes' });

// close() for shutting down.
expectTypeOf(dashboardHandler(registry).close).toEqualTypeOf<() => void>();
