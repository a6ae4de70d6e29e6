import { Controller, Get, Injectable, Param, Query } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { CircuitBreaker } from '@tripswitch/nestjs';
import { CircuitsHealthIndicator } from '@tripswitch/nestjs/terminus';

/** A dependency the tests make fail, counting the calls that reach it. */
@Injectable()
export class Quotes {
  calls = 0;
  failing = false;

  @CircuitBreaker('quotes', { fallback: 'cachedQuote' })
  async quote(sku: string): Promise<{ sku: string; price: number; cached: boolean }> {
    this.calls++;
    if (this.failing) throw new Error('the quotes service is down');
    return { sku, price: sku.length * 100, cached: false };
  }

  cachedQuote(sku: string, error: unknown): { sku: string; price: number; cached: boolean } {
    if (!(error instanceof Error)) throw new TypeError('the fallback receives the error last');
    return { sku, price: 0, cached: true };
  }
}

@Controller('check')
export class CheckController {
  calls = 0;
  readonly #quotes: Quotes;

  constructor(quotes: Quotes) {
    this.#quotes = quotes;
  }

  @Get('below/:id')
  @CircuitBreaker()
  below(@Param('id') id: string, @Query('fail') fail?: string): { id: string } {
    this.calls++;
    if (fail === '1') throw new Error('below failed');
    return { id };
  }

  @CircuitBreaker()
  @Get('above/:id')
  above(@Param('id') id: string, @Query('fail') fail?: string): { id: string } {
    this.calls++;
    if (fail === '1') throw new Error('above failed');
    return { id };
  }

  @Get('quote/:sku')
  quote(@Param('sku') sku: string): Promise<unknown> {
    return this.#quotes.quote(sku);
  }
}

@Controller('health')
export class HealthController {
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
}
