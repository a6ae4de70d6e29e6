// A refused call adds an event to the caller's active span: driven through the real tracing SDK,
// an in-memory span exporter and the AsyncLocalStorage context manager.
import { context, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { isBulkheadFullError, isCircuitOpenError } from '@tripswitch/core';
import { testClock, testRegistry, trip } from '@tripswitch/test-breakers';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { instrumentBreakers, rejectedEventName } from '../src/index.ts';
import { manualMeterProvider, pointsOf } from './collect.ts';

let exporter: InMemorySpanExporter;
let provider: BasicTracerProvider;

beforeEach(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  exporter = new InMemorySpanExporter();
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  onTestFinished(async () => {
    await provider.shutdown();
    context.disable();
  });
});

/** Runs `fn` in a new active span named `name`, and ends the span when `fn` settles. */
function inSpan<T>(name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  return provider.getTracer('test').startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}

/** The events of the finished span `name`, as `event: breaker reason`. */
function eventsOf(name: string): string[] {
  const span = exporter.getFinishedSpans().find((finished) => finished.name === name);
  if (span === undefined) throw new Error(`No finished span "${name}"`);
  return span.events.map(
    ({ name: event, attributes }) =>
      `${event}: ${attributes?.['circuit_breaker.name']} ${attributes?.['circuit_breaker.rejection.reason']}`,
  );
}

function instrumented(options: { spanEvents?: boolean; maxNameLength?: number } = {}) {
  const clock = testClock();
  const registry = testRegistry(clock);
  const { meterProvider, collect } = manualMeterProvider();
  instrumentBreakers(registry, { meterProvider, ...options });
  return { clock, registry, collect };
}

describe('the circuit_breaker.rejected span event', () => {
  it('lands on the active span when an open circuit refuses a call, after an await', async () => {
    const { registry } = instrumented();
    const breaker = registry.get('payments');
    trip(breaker);
    await inSpan('checkout', async () => {
      await Promise.resolve();
      const refusal = await breaker.execute(() => 'never called').catch((error: unknown) => error);
      expect(isCircuitOpenError(refusal)).toBe(true);
    });
    expect(rejectedEventName).toBe('circuit_breaker.rejected');
    expect(eventsOf('checkout')).toEqual(['circuit_breaker.rejected: payments open']);
  });

  it('names a breaker whose name is over maxNameLength as the metrics do: cut', async () => {
    const { registry, collect } = instrumented({ maxNameLength: 32 });
    const long = `/tenants/${'x'.repeat(16_384)}`;
    const breaker = registry.get(long);
    trip(breaker);
    await inSpan('long', async () => {
      expect(breaker.tryAcquire()).toBeNull();
    });
    const [label] = pointsOf(await collect(), 'circuit_breaker.state').map(
      ({ attributes }) => attributes['circuit_breaker.name'],
    );
    expect(label).toMatch(/^\/tenants\/x{6}\u2026[0-9a-f]{16}$/);
    expect(eventsOf('long')).toEqual([`circuit_breaker.rejected: ${label} open`]);
  });

  it('goes to the span of each caller when calls interleave', async () => {
    const { registry } = instrumented();
    const a = registry.get('a');
    const b = registry.get('b');
    trip(a);
    trip(b);
    let step!: () => void;
    const stepped = new Promise<void>((resolve) => {
      step = resolve;
    });
    await Promise.all([
      inSpan('first', async () => {
        expect(a.tryAcquire()).toBeNull();
        await stepped;
        expect(a.tryAcquire()).toBeNull();
      }),
      inSpan('second', async () => {
        expect(b.tryAcquire()).toBeNull();
        step();
        await Promise.resolve();
        b.isolate();
        expect(b.tryAcquire()).toBeNull();
      }),
    ]);
    expect(eventsOf('first')).toEqual([
      'circuit_breaker.rejected: a open',
      'circuit_breaker.rejected: a open',
    ]);
    expect(eventsOf('second')).toEqual([
      'circuit_breaker.rejected: b open',
      'circuit_breaker.rejected: b forced_open',
    ]);
  });

  it('names every reason: open, forced open, half-open with its trials taken, bulkhead', async () => {
    const { clock, registry } = instrumented();
    const halfOpen = registry.get('trials');
    trip(halfOpen);
    clock.advance(10_000);
    const full = registry.get('full', { bulkhead: { maxConcurrent: 1 } });
    await inSpan('reasons', async () => {
      const trial = halfOpen.tryAcquire();
      expect(halfOpen.tryAcquire()).toBeNull();
      trial?.success();
      const held = full.tryAcquire();
      expect(full.tryAcquire()).toBeNull();
      expect(isBulkheadFullError(full.openError())).toBe(true);
      held?.success();
      registry.get('isolated').isolate();
      expect(registry.get('isolated').tryAcquire()).toBeNull();
    });
    expect(eventsOf('reasons')).toEqual([
      'circuit_breaker.rejected: trials half_open_full',
      'circuit_breaker.rejected: full bulkhead',
      'circuit_breaker.rejected: isolated forced_open',
    ]);
  });

  it('lands on the waiting caller’s span when a queued call is refused after its wait', async () => {
    const { registry } = instrumented();
    const breaker = registry.get('queued', {
      bulkhead: { maxConcurrent: 1, maxQueue: 1 },
      consecutiveFailures: 1,
    });
    const held = breaker.tryAcquire();
    const waiting = inSpan('waiter', async () => {
      const refusal = await breaker.acquire().catch((error: unknown) => error);
      expect(isCircuitOpenError(refusal)).toBe(true);
    });
    await inSpan('holder', async () => {
      held?.failure(new Error('down')); // opens the circuit and frees the slot
    });
    await waiting;
    expect(eventsOf('waiter')).toEqual(['circuit_breaker.rejected: queued open']);
    expect(eventsOf('holder')).toEqual([]);
  });

  it('is not added without an active span, to a span not recorded, or with spanEvents: false', async () => {
    const { registry } = instrumented();
    const breaker = registry.get('payments');
    trip(breaker);
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(breaker.tryAcquire()).toBeNull();

    const unsampled = new BasicTracerProvider({
      sampler: new AlwaysOffSampler(),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    onTestFinished(() => unsampled.shutdown());
    unsampled.getTracer('test').startActiveSpan('not recorded', (span) => {
      expect(span.isRecording()).toBe(false);
      expect(breaker.tryAcquire()).toBeNull();
      span.end();
    });

    const quiet = instrumented({ spanEvents: false }).registry.get('quiet');
    trip(quiet);
    await inSpan('quiet', async () => {
      expect(quiet.tryAcquire()).toBeNull();
    });
    expect(eventsOf('quiet')).toEqual([]);
    expect(exporter.getFinishedSpans().map(({ name }) => name)).toEqual(['quiet']);
  });
});
