import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { describe, expect, it } from 'vitest';
import { BreakerRegistry, CircuitBreaker, TripswitchModule } from '../src/index.ts';
import { CircuitsHealthIndicator } from '../src/terminus.ts';
import { startApp } from './nest-app.ts';

@Injectable()
class Mailer {
  @CircuitBreaker('smtp')
  send(): string {
    return 'sent';
  }
}

@Controller('health')
class HealthController {
  readonly #health: HealthCheckService;
  readonly #circuits: CircuitsHealthIndicator;

  constructor(health: HealthCheckService, circuits: CircuitsHealthIndicator) {
    this.#health = health;
    this.#circuits = circuits;
  }

  @Get()
  @HealthCheck()
  check() {
    return this.#health.check([() => this.#circuits.isHealthy()]);
  }

  @Get('named')
  @HealthCheck()
  named() {
    return this.#health.check([() => this.#circuits.isHealthy('breakers')]);
  }
}

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [CircuitsHealthIndicator],
})
class HealthModule {}

const breakerHealth = (name: string, state: string) => ({
  name,
  state,
  failureRate: expect.any(Number),
  slowCallRate: expect.any(Number),
  calls: expect.any(Number),
  rejected: expect.any(Number),
});

describe('CircuitsHealthIndicator (@tripswitch/nestjs/terminus)', () => {
  it('reports every breaker: up while all are closed, down (503) when any is not', async () => {
    const { app, get } = await startApp({
      imports: [TripswitchModule.forRoot(), HealthModule],
      providers: [Mailer],
    });
    const registry = app.get(BreakerRegistry);
    registry.get('payments');

    const healthy = await get('/health');
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toEqual({
      status: 'ok',
      info: {
        circuits: {
          status: 'up',
          breakers: [breakerHealth('smtp', 'closed'), breakerHealth('payments', 'closed')],
        },
      },
      error: {},
      details: expect.any(Object),
    });

    registry.isolate('payments');
    const unhealthy = await get('/health');
    expect(unhealthy.status).toBe(503);
    const body = await unhealthy.json();
    expect(body).toMatchObject({
      status: 'error',
      error: {
        circuits: {
          status: 'down',
          breakers: [breakerHealth('smtp', 'closed'), breakerHealth('payments', 'forced-open')],
        },
      },
    });
  });

  it('reports under the key it is given', async () => {
    const { get } = await startApp({
      imports: [TripswitchModule.forRoot(), HealthModule],
      providers: [Mailer],
    });
    const response = await get('/health/named');
    expect(await response.json()).toMatchObject({
      info: { breakers: { status: 'up', breakers: [breakerHealth('smtp', 'closed')] } },
    });
  });
});
