// @tripswitch/dashboard on node:http and Express.
import { createServer } from 'node:http';
import { BreakerRegistry } from '@tripswitch/core';
import { controlHeader, dashboardHandler } from '@tripswitch/dashboard';
import express from 'express';

export function dashboards(): void {
  const registry = new BreakerRegistry();
  createServer(dashboardHandler(registry, { basePath: '/breakers' }));
  const app = express();
  app.use(
    '/breakers',
    dashboardHandler(registry, {
      controls: true,
      authorize: (req, control) =>
        req.headers[controlHeader] !== undefined && control.breaker !== '',
    }),
  );
  // @ts-expect-error: controls are true or false
  dashboardHandler(registry, { controls: 'yes' });
}
