import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { type Clock, InvalidOptionError } from '@tripswitch/core';
import { DemoModule } from './demo-module.ts';
import { serveOpenTelemetryMetrics } from './otel-metrics.ts';

/** Options of {@link createNestDemo}. */
export interface NestDemoOptions {
  /** The upstream's base URL, such as `http://127.0.0.1:4000`. */
  upstreamUrl: string;
  /**
   * The breakers' source of time; tests and the scripted demo pass their own.
   * @defaultValue the wall clock
   */
  clock?: Clock;
  /**
   * How many items' last good answers the fallback keeps.
   * @defaultValue 100
   */
  maxCachedItems?: number;
  /**
   * How long a call to the upstream may take before got gives up on it.
   * @defaultValue 1_000
   */
  upstreamTimeoutMs?: number;
  /**
   * Nest's logger, as `NestFactory.create()` takes it.
   * @defaultValue false: quiet
   */
  logger?: NestApplicationOptions['logger'];
}

/**
 * Builds the NestJS demo, an application on Express, not yet listening:
 *
 * - `GET /items/:id` fetches the item from the upstream through got, in
 *   `ItemsService.findItem`, behind the `upstream` breaker. While the upstream fails, and while
 *   its circuit is open, the fallback answers with the last good answer for the item
 *   (`source: 'cache'`); an item never cached gets a 503 with `Retry-After` from an open
 *   circuit, a 502 from a failed call. The route has a breaker of its own too.
 * - `GET /health` reports every breaker through `@nestjs/terminus`.
 * - `GET /otel/metrics` shows the breakers as OpenTelemetry instruments (`@tripswitch/opentelemetry`).
 *
 * Its breakers live in the application's registry: `app.get(BreakerRegistry)`.
 *
 * @throws `InvalidOptionError` when `upstreamUrl` is not an http(s) URL, or `maxCachedItems` or
 * `upstreamTimeoutMs` not an integer ≥ 1.
 *
 * @example
 * ```ts
 * const app = await createNestDemo({ upstreamUrl: 'http://127.0.0.1:4000' });
 * app.get(BreakerRegistry).on('stateChange', ({ name, to }) => console.log(name, to));
 * await app.listen(3000, '127.0.0.1');
 * ```
 */
export async function createNestDemo(options: NestDemoOptions): Promise<INestApplication> {
  const {
    upstreamUrl,
    clock,
    maxCachedItems = 100,
    upstreamTimeoutMs = 1_000,
    logger = false,
  } = options;
  if (!isHttpUrl(upstreamUrl)) {
    throw new InvalidOptionError('upstreamUrl', upstreamUrl, 'an http:// or https:// URL');
  }
  if (!Number.isInteger(maxCachedItems) || maxCachedItems < 1) {
    throw new InvalidOptionError('maxCachedItems', maxCachedItems, 'an integer >= 1');
  }
  if (!Number.isInteger(upstreamTimeoutMs) || upstreamTimeoutMs < 1) {
    throw new InvalidOptionError('upstreamTimeoutMs', upstreamTimeoutMs, 'an integer >= 1');
  }
  const app = await NestFactory.create(
    DemoModule.forDemo({ upstreamUrl, clock, maxCachedItems, upstreamTimeoutMs }),
    new ExpressAdapter(),
    // Without abortOnError: false, a failed start would end the process instead of rejecting.
    { logger, abortOnError: false },
  );
  const stopMetrics = serveOpenTelemetryMetrics(app);
  const close = app.close.bind(app);
  app.close = async () => {
    await stopMetrics();
    await close();
  };
  return app;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}
