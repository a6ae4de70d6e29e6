// The names the examples of packages/dashboard/README.md use without declaring them (each example
// is compiled as a module of its own): what an earlier example set up or imported, and the
// application's own code, typed as an application would have them.
import type { Server } from 'node:http';
import type * as core from '@tripswitch/core';
import type * as tripswitchDashboard from '@tripswitch/dashboard';
import type { Express, Request } from 'express';

declare global {
  // Set up or imported by an earlier example.
  const app: Express;
  const server: Server;
  const registry: core.BreakerRegistry;
  const dashboardHandler: typeof tripswitchDashboard.dashboardHandler;

  // The application's own code.
  class AppModule {}
  interface User {
    readonly role: string;
    onCallFor(breaker: string): boolean;
  }
  const sessions: { userOf(req: Request): Promise<User | undefined> };
}
