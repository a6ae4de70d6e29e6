import { Injectable } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import {
  BreakerRegistry,
  CircuitBreaker,
  isCircuitOpenError,
  TripswitchModule,
} from '../src/index.ts';
import { deferred, startApp } from './nest-app.ts';
import { trackingStore } from './tracking-store.ts';

/** A background job that goes on calling its dependency, a step at a time. */
@Injectable()
class SyncJob {
  readonly gates: Array<ReturnType<typeof deferred<void>>> = [];

  @CircuitBreaker('upstream')
  async step(): Promise<string> {
    const gate = deferred();
    this.gates.push(gate);
    await gate.promise;
    return 'synced';
  }
}

describe('calls that outlive app.close()', () => {
  it('settle their permits, and leave no breaker bound to a store that outlives the application', async () => {
    const store = trackingStore();
    const { app } = await startApp({
      imports: [TripswitchModule.forRoot({ store })],
      providers: [SyncJob],
    });
    const job = app.get(SyncJob);
    const breaker = app.get(BreakerRegistry).get('upstream');
    const inFlight = job.step();
    expect(breaker.stats().inFlight).toBe(1);

    await app.close();
    expect(store.bound.size).toBe(0);
    job.gates[0]?.resolve();
    await expect(inFlight).resolves.toBe('synced');
    expect(breaker.stats().inFlight).toBe(0);

    // The job's next step, after the close: nothing may bind to the store for good.
    const next = job.step();
    job.gates[1]?.resolve();
    await expect(next).resolves.toBe('synced');
    expect(store.bound.size).toBe(0);
  });

  it('are still refused by a circuit that was open when the application closed', async () => {
    const { app } = await startApp({
      imports: [TripswitchModule.forRoot()],
      providers: [SyncJob],
    });
    const job = app.get(SyncJob);
    app.get(BreakerRegistry).isolate('upstream');
    await app.close();
    const call = job.step();
    // Let a call that was wrongly admitted finish, so the test fails rather than hangs.
    for (const gate of job.gates) gate.resolve();
    const refused = await call.catch((error: unknown) => error);
    expect(isCircuitOpenError(refused)).toBe(true);
    expect(job.gates).toHaveLength(0);
  });
});
