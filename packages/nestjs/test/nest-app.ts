import 'reflect-metadata';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { inject, onTestFinished } from 'vitest';

/** The HTTP platform the tests run on: vitest.config.ts runs every suite once on each. */
export type Platform = 'express' | 'fastify';

declare module 'vitest' {
  interface ProvidedContext {
    platform: Platform;
  }
}

/** The platform of this test run. */
export const platform: Platform = inject('platform');

/** A real Nest application listening on 127.0.0.1, closed when the test ends. */
export interface RunningApp {
  readonly app: INestApplication;
  readonly url: string;
  /** `fetch` against the application, with a path. */
  get(path: string, init?: RequestInit): Promise<Response>;
}

/**
 * Builds a testing module from `metadata`, starts it on port 0 on the run's platform
 * (`@nestjs/platform-express` or `@nestjs/platform-fastify`) and registers its closing.
 */
export async function startApp(metadata: ModuleMetadata): Promise<RunningApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
      : moduleRef.createNestApplication({ logger: false });
  onTestFinished(() => app.close());
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, get: (path, init) => fetch(`${url}${path}`, init) };
}

/** A clock the test moves by hand. */
export function manualClock(): { now(): number; advance(ms: number): void } {
  let t = 1_000_000;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A promise with its resolve function, to hold a call until the test lets it go. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
