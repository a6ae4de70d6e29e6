import { Controller, Get, Inject, Scope } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { BreakerRegistry, CircuitBreaker, TripswitchModule } from '../src/index.ts';
import { startApp } from './nest-app.ts';

/** A client built by a factory, per request or per consumer, for the tenant it serves. */
class TenantClient {
  readonly tenant: string;

  constructor(tenant: string) {
    this.tenant = tenant;
  }

  @CircuitBreaker('tenants')
  async greet(): Promise<string> {
    return `hello ${this.tenant}`;
  }
}

@Controller('greet')
class TenantController {
  readonly #client: TenantClient;

  constructor(@Inject(TenantClient) client: TenantClient) {
    this.#client = client;
  }

  @Get()
  async greet(): Promise<{ greeting: string }> {
    return { greeting: await this.#client.greet() };
  }
}

const tenantOf = (request: { headers: Record<string, string | undefined> }) =>
  request.headers['x-tenant'] ?? 'nobody';

describe('instances a factory makes after the start', () => {
  it.each([
    [
      'request-scoped',
      {
        provide: TenantClient,
        scope: Scope.REQUEST,
        inject: [REQUEST],
        useFactory: (request: Parameters<typeof tenantOf>[0]) =>
          new TenantClient(tenantOf(request)),
      },
    ],
    [
      'request-scoped, from an async factory',
      {
        provide: TenantClient,
        scope: Scope.REQUEST,
        inject: [REQUEST],
        useFactory: async (request: Parameters<typeof tenantOf>[0]) =>
          new TenantClient(tenantOf(request)),
      },
    ],
    [
      'transient',
      { provide: TenantClient, scope: Scope.TRANSIENT, useFactory: () => new TenantClient('any') },
    ],
  ])('get the registry (%s), and requests add no breaker', async (_scope, provider) => {
    const { app, get } = await startApp({
      imports: [TripswitchModule.forRoot()],
      providers: [provider],
      controllers: [TenantController],
    });
    const registry = app.get(BreakerRegistry);
    for (let i = 0; i < 20; i++) {
      const response = await get('/greet', { headers: { 'x-tenant': `t${i}` } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { greeting: string }).greeting).toMatch(/^hello /);
    }
    expect(registry.list().map((breaker) => breaker.name)).toEqual(['tenants']);
    expect(registry.get('tenants').stats().totals.successes).toBe(20);
  });
});
