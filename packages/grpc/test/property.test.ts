// Random mixes of calls against a real server — every kind, every status, pushback, cancels at
// once and mid-call, deadlines, the clock jumping between batches of concurrent calls — with
// random breaker options. Whatever the mix: every call ends exactly once, every permit settles
// (nothing left in flight), each call lands in exactly the total its ending predicts, and no
// refused call reaches the server.

import type { StatusObject } from '@grpc/grpc-js';
import { isBulkheadFullError, isCircuitOpenError } from '@tripswitch/core';
import fc from 'fast-check';
import { expect, it, onTestFinished } from 'vitest';
import type { GrpcBreakerOptions } from '../src/index.ts';
import { call, type Ended, type Kind, kinds } from './support/calls.ts';
import { inventoryClient, service } from './support/client.ts';
import { grpc } from './support/grpc.ts';
import {
  fail,
  hang,
  type InventoryServer,
  ok,
  type Reply,
  scripted,
  startInventory,
} from './support/inventory-server.ts';

const { status } = grpc;
const failureCodes = [1, 2, 4, 8, 13, 14, 15];
const answerCodes = [3, 5, 6, 7, 9, 10, 11, 12, 16];

type Ending = 'answer' | 'cancel at once' | 'cancel after arrival' | 'deadline';

interface Plan {
  kind: Kind;
  reply: Reply;
  ending: Ending;
}

const replyArb: fc.Arbitrary<Reply> = fc.oneof(
  fc.constant(ok),
  fc.constantFrom(...failureCodes, ...answerCodes).map((code) => fail(code)),
  fc
    .record({ code: fc.constantFrom(...failureCodes), ms: fc.integer({ min: 0, max: 20_000 }) })
    .map(({ code, ms }) => fail(code, { 'grpc-retry-pushback-ms': String(ms) })),
);

const planArb: fc.Arbitrary<Plan> = fc
  .record({
    kind: fc.constantFrom(...kinds),
    reply: replyArb,
    ending: fc.constantFrom<Ending>(
      'answer',
      'answer',
      'answer',
      'cancel at once',
      'cancel after arrival',
      'deadline',
    ),
  })
  .map((plan) =>
    // Cancelled mid-call and deadline calls wait at a server that holds them.
    plan.ending === 'cancel after arrival' || plan.ending === 'deadline'
      ? { ...plan, reply: hang }
      : plan,
  );

const optionsArb: fc.Arbitrary<GrpcBreakerOptions> = fc.record({
  minimumCalls: fc.integer({ min: 1, max: 4 }),
  halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
  openDurationMs: fc.integer({ min: 500, max: 3_000 }),
  bulkhead: fc.option(fc.record({ maxConcurrent: fc.integer({ min: 1, max: 4 }) }), {
    nil: undefined,
  }),
});

interface Batch {
  /** How far the breaker's clock moves before the batch starts. */
  advanceMs: number;
  plans: Plan[];
}

const batchesArb: fc.Arbitrary<Batch[]> = fc.array(
  fc.record({
    advanceMs: fc.integer({ min: 0, max: 4_000 }),
    plans: fc.array(planArb, { minLength: 1, maxLength: 6 }),
  }),
  { minLength: 1, maxLength: 6 },
);

type Total = 'successes' | 'failures' | 'ignored' | 'rejected';

/**
 * The total a call must land in, from how it was planned to end and how it did end. A deadline
 * call the machine was too slow to start before its deadline passed went around the breaker:
 * when that may have happened (`startedInTime` false), it lands in failures or in no total.
 */
function expectedTotal(plan: Plan, end: Ended, startedInTime: boolean): Total | 'failures or none' {
  const cause = (end.error as { cause?: unknown } | undefined)?.cause;
  if (isCircuitOpenError(cause) || isBulkheadFullError(cause)) return 'rejected';
  if (plan.ending === 'cancel at once' || plan.ending === 'cancel after arrival') return 'ignored';
  if (plan.ending === 'deadline') return startedInTime ? 'failures' : 'failures or none';
  const code = plan.reply.kind === 'status' ? plan.reply.code : status.OK;
  return failureCodes.includes(code) ? 'failures' : 'successes';
}

/** Runs the batches one after the other, the calls of a batch at once, on a client of its own. */
async function run(
  server: InventoryServer,
  options: GrpcBreakerOptions,
  batches: readonly Batch[],
  runId: number,
): Promise<void> {
  const c = inventoryClient(server.address, options);
  const predicted: Record<Total, number> = { successes: 0, failures: 0, ignored: 0, rejected: 0 };
  let uncertain = 0;
  let n = 0;
  for (const { advanceMs, plans } of batches) {
    c.clock.advance(advanceMs);
    const calls = plans.map((plan) => {
      const id = `${runId}-${n++}`;
      const deadline = Date.now() + 20;
      const options = plan.ending === 'deadline' ? { deadline } : {};
      const pending = call(c.client, plan.kind, options, scripted(plan.reply, id));
      // The call started inside call(): if the deadline is still ahead now, it was then.
      const startedInTime = Date.now() < deadline;
      let statuses = 0;
      pending.surface.on('status', (_status: StatusObject) => {
        statuses++;
      });
      if (plan.ending === 'cancel at once') pending.surface.cancel();
      if (plan.ending === 'cancel after arrival') {
        void Promise.race([server.arrivalOf(id), pending.ended]).then(() =>
          pending.surface.cancel(),
        );
      }
      return { id, plan, pending, startedInTime, statuses: () => statuses };
    });
    for (const { id, plan, pending, startedInTime, statuses } of calls) {
      const end = await pending.ended;
      const total = expectedTotal(plan, end, startedInTime);
      if (total === 'failures or none') uncertain++;
      else predicted[total]++;
      if (total === 'rejected')
        expect(server.hasReceived(id), `refused call ${id} was sent`).toBe(false);
      // Let any second status that should not exist arrive before counting.
      await new Promise(setImmediate);
      expect(statuses(), `statuses of call ${id}`).toBe(1);
    }
  }
  if (!c.registry.has(service)) {
    // Only calls that went around the breaker: none of them may have been predicted certain.
    expect(predicted).toEqual({ successes: 0, failures: 0, ignored: 0, rejected: 0 });
    return;
  }
  const stats = c.breaker(service).stats();
  expect(stats.inFlight).toBe(0);
  expect(stats.bulkhead?.active ?? 0).toBe(0);
  const { successes, failures, ignored, rejected } = stats.totals;
  expect({ successes, ignored, rejected }).toEqual({
    successes: predicted.successes,
    ignored: predicted.ignored,
    rejected: predicted.rejected,
  });
  expect(failures).toBeGreaterThanOrEqual(predicted.failures);
  expect(failures).toBeLessThanOrEqual(predicted.failures + uncertain);
}

it('every call ends once, every permit settles, and the totals add up, whatever the mix', async () => {
  const server = await startInventory(onTestFinished, ok);
  let runId = 0;
  await fc.assert(
    fc.asyncProperty(optionsArb, batchesArb, (options, batches) =>
      run(server, options, batches, runId++),
    ),
    // A failure is reported at once, with its seed, rather than shrunk for longer than the test's
    // time limit allows on a busy machine.
    { numRuns: 25, endOnFailure: true },
  );
});
