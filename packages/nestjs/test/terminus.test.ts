import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { InvalidOptionError } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { BreakerRegistry, CircuitBreaker, TripswitchModule } from '../src/index.ts';
import { CircuitsHealthIndicator } from '../src/terminus.ts';
import { manualClock, startApp } from './nest-app.ts';

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

  @Get('short')
  @HealthCheck()
  short() {
    return this.#health.check([() => this.#circuits.isHealthy('circuits', { maxNameLength: 40 })]);
  }
}

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [CircuitsHealthIndicator],
})
class HealthModule {}

const breakerHealth = (name: unknown, state: string) => ({
  name,
  state,
  failureRate: expect.any(Number),
  slowCallRate: expect.any(Number),
  calls: expect.any(Number),
  rejected: expect.any(Number),
});

/** A name cut to 120 units: its first units, `…` and 16 hexadecimal digits of the whole name. */
const cutName = /^.{103}\u2026[0-9a-f]{16}$/s;

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
          overflows: 0,
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

  it('says down for an open or half-open circuit, up for a disabled one, whatever the names', async () => {
    const clock = manualClock();
    const { app, get } = await startApp({
      imports: [
        TripswitchModule.forRoot({
          defaults: { clock, minimumCalls: 1, openDurationMs: 1_000, halfOpenMaxCalls: 1 },
        }),
        HealthModule,
      ],
      providers: [Mailer],
    });
    const registry = app.get(BreakerRegistry);
    const odd = ['__proto__', 'constructor', 'a'.repeat(2_000), 'ünïcødé "quoted" <tag>'];
    for (const name of odd) registry.get(name);
    const status = async () => {
      const response = await get('/health');
      const body = (await response.json()) as Record<string, { circuits?: { breakers: unknown } }>;
      return {
        code: response.status,
        breakers: (body.error?.circuits ?? body.info?.circuits)?.breakers,
      };
    };

    registry.get('smtp').disable();
    expect(await status()).toEqual({
      code: 200,
      breakers: [
        breakerHealth('smtp', 'disabled'),
        ...odd.map((name) =>
          // Longer than 120 units: cut to 120 (see the test below).
          breakerHealth(name.length > 120 ? expect.stringMatching(cutName) : name, 'closed'),
        ),
      ],
    });

    const failing = registry.get('__proto__');
    failing.tryAcquire()?.failure(new Error('down'));
    expect(failing.state).toBe('open');
    expect((await status()).code).toBe(503);

    clock.advance(1_000);
    const trial = failing.tryAcquire(); // the trial call, still out
    expect(failing.state).toBe('half-open');
    expect(await status()).toMatchObject({
      code: 503,
      breakers: expect.arrayContaining([breakerHealth('__proto__', 'half-open')]),
    });

    trial?.success();
    expect(failing.state).toBe('closed');
    expect((await status()).code).toBe(200);
  });

  it('reports the calls served unguarded when the registry could keep no breaker for them', async () => {
    const { app, get } = await startApp({
      imports: [TripswitchModule.forRoot({ maxBreakers: 1 }), HealthModule],
      providers: [Mailer],
    });
    const registry = app.get(BreakerRegistry);
    registry.isolate('smtp');
    registry.get('tenant-a');
    registry.get('tenant-b');
    const response = await get('/health');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      error: { circuits: { status: 'down', overflows: 2 } },
    });
  });

  it('cuts names longer than 120 units, as keys from request input can be', async () => {
    const { app, get } = await startApp({
      imports: [TripswitchModule.forRoot(), HealthModule],
      providers: [Mailer],
    });
    const registry = app.get(BreakerRegistry);
    // Two names of 16 KB that share their first 10 KB, as keys made of long paths do.
    const shared = 'p'.repeat(10_000);
    registry.get(shared + 'a'.repeat(6_384));
    registry.get(shared + 'b'.repeat(6_384));

    const response = await get('/health');
    const text = await response.text();
    const { breakers } = (
      JSON.parse(text) as { info: { circuits: { breakers: { name: string }[] } } }
    ).info.circuits;

    const [smtp, first, second] = breakers.map(({ name }) => name);
    expect(smtp).toBe('smtp');
    expect(first).toMatch(cutName);
    expect(second).toMatch(cutName);
    expect(first?.startsWith(shared.slice(0, 103))).toBe(true);
    expect(first).not.toBe(second);
    expect(text.length).toBeLessThan(2_000);
  });

  it('cuts names to the maxNameLength it is given, and refuses a bad one', async () => {
    const { app, get } = await startApp({
      imports: [TripswitchModule.forRoot(), HealthModule],
      providers: [Mailer],
    });
    app.get(BreakerRegistry).get('n'.repeat(41));
    app.get(BreakerRegistry).get('m'.repeat(40));

    const { info } = (await (await get('/health/short')).json()) as {
      info: { circuits: { breakers: { name: string }[] } };
    };
    const names = info.circuits.breakers.map(({ name }) => name);
    expect(names).toEqual([
      'smtp',
      expect.stringMatching(/^n{23}\u2026[0-9a-f]{16}$/),
      'm'.repeat(40),
    ]);

    const indicator = app.get(CircuitsHealthIndicator, { strict: false });
    for (const options of [{ maxNameLength: 31 }, { maxNameLength: '120' }, { colour: 1 }, 7]) {
      expect(() => indicator.isHealthy('circuits', options as never)).toThrow(InvalidOptionError);
    }
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
