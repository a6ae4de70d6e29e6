// @tripswitch/nestjs and its terminus entry in a NestJS application (legacy decorators).
import { Controller, Get, Injectable, Module, Param } from '@nestjs/common';
import { HealthCheck, type HealthCheckService, TerminusModule } from '@nestjs/terminus';
import {
  type Breaker,
  BreakerRefusalException,
  CircuitBreaker,
  InjectBreaker,
  TripswitchModule,
} from '@tripswitch/nestjs';
import { CircuitsHealthIndicator } from '@tripswitch/nestjs/terminus';

@Injectable()
export class PaymentsService {
  constructor(@InjectBreaker('payments') readonly breaker: Breaker) {}

  @CircuitBreaker('payments', { fallback: 'chargeLater' })
  async charge(amount: number): Promise<string> {
    return `charged ${amount}`;
  }

  chargeLater(amount: number, _error: unknown): string {
    return `queued ${amount}`;
  }
}

@Controller('orders')
export class OrdersController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly circuits: CircuitsHealthIndicator,
  ) {}

  @Get(':id')
  @CircuitBreaker({ failureRateThreshold: 50 })
  findOne(@Param('id') id: string): Promise<string> {
    return Promise.resolve(id);
  }

  @Get('health')
  @HealthCheck()
  check() {
    return this.health.check([() => this.circuits.isHealthy('circuits')]);
  }
}

@Module({
  imports: [
    TerminusModule,
    TripswitchModule.forRoot({
      defaults: { failureRateThreshold: 50 },
      breakers: { payments: { openDurationMs: 60_000 } },
    }),
    TripswitchModule.forFeature(['payments']),
  ],
  providers: [PaymentsService, CircuitsHealthIndicator],
  controllers: [OrdersController],
})
export class AppModule {}

export function refusalStatus(error: unknown): number | undefined {
  return error instanceof BreakerRefusalException ? error.getStatus() : undefined;
}

// @ts-expect-error: the name goes first, @CircuitBreaker(name, options)
CircuitBreaker({ name: 'payments' });
