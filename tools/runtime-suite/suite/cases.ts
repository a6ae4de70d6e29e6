/**
 * @module
 * The runtime suite: every case, in the order each runtime runs them. The same file is loaded
 * by Node.js, Bun and Deno (entries/cli.ts) and bundled into a worker for workerd
 * (entries/worker.ts); it imports the packages by name, so each runtime loads their builds as a
 * user's would.
 */
import { coreCases } from './core-cases.ts';
import { fetchCases } from './fetch-cases.ts';
import type { Case } from './harness.ts';
import { honoCases } from './hono-cases.ts';
import { requestScopeCases } from './request-scope-cases.ts';
import { unhandledCases } from './unhandled-cases.ts';
import { webApiCases } from './web-api-cases.ts';

export const cases: readonly Case[] = [
  ...coreCases,
  ...fetchCases,
  ...honoCases,
  ...webApiCases,
  ...requestScopeCases,
  ...unhandledCases,
];
