import { Injectable } from '@nestjs/common';
import { expect, it } from 'vitest';
import { BreakerRegistry, CircuitBreaker, TripswitchModule } from '../src/index.ts';
import { startApp } from './nest-app.ts';

@Injectable()
class Payments {
  @CircuitBreaker('payments')
  async charge(amount: number): Promise<string> {
    return `charged ${amount}`;
  }
}

// One instance for the whole suite, as a test file declares a stub once and provides it with
// useValue to the application each of its tests builds.
const payments = new Payments();

it('gives an instance shared through useValue to each application in turn, once the last closed', async () => {
  const first = await startApp({
    imports: [TripswitchModule.forRoot()],
    providers: [{ provide: Payments, useValue: payments }],
  });
  first.app.get(BreakerRegistry).isolate('payments');
  await expect(payments.charge(1)).rejects.toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
  await first.app.close();

  const second = await startApp({
    imports: [TripswitchModule.forRoot()],
    providers: [{ provide: Payments, useValue: payments }],
  });
  // The second application's breaker, closed, not the first one's, held open.
  await expect(payments.charge(2)).resolves.toBe('charged 2');
  const breaker = second.app.get(BreakerRegistry).get('payments');
  expect(breaker.stats().totals.successes).toBe(1);
});
