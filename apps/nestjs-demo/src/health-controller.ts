import { Controller, Get } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { CircuitsHealthIndicator } from '@tripswitch/nestjs/terminus';

/**
 * `GET /health`: every breaker of the app, through terminus. 200 while every circuit is closed,
 * 503 while one is open or half-open — a readiness check: the upstream is failing.
 */
@Controller('health')
export class HealthController {
  readonly #health: HealthCheckService;
  readonly #circuits: CircuitsHealthIndicator;

  constructor(health: HealthCheckService, circuits: CircuitsHealthIndicator) {
    this.#health = health;
    this.#circuits = circuits;
  }

  /** The terminus report, with every breaker under `circuits`. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.#health.check([() => this.#circuits.isHealthy('circuits')]);
  }
}
