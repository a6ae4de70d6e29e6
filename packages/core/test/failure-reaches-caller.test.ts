// A breaker stands between a caller and a failing function without hiding the failure from the
// tools that find where it came from: the error's async stack trace still names the caller that
// awaited the breaker, and a rejection the caller forgets to handle is still reported as
// unhandled, as it would be without a breaker.
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type CircuitBreakerOptions } from '../src/index.ts';
import { coreEntry, runModuleScript } from './support/run-module-script.ts';

/** A dependency that fails after its first await, as one that fails on I/O does. */
async function failLater(): Promise<never> {
  await Promise.resolve();
  throw new Error('down');
}

/** Each way a call can run: the plain path, and each of the runner's own. */
const chained: Array<[string, CircuitBreakerOptions]> = [
  ['a breaker with the defaults', {}],
  ['a breaker that times its calls', { slowCallDurationMs: 60_000 }],
  ['a breaker with a bulkhead', { bulkhead: { maxConcurrent: 2 } }],
  ['a breaker with a timeout', { timeoutMs: 60_000 }],
  [
    'a breaker with a bulkhead and a timeout',
    { bulkhead: { maxConcurrent: 2 }, timeoutMs: 60_000 },
  ],
  [
    'a breaker with a fallback that rethrows',
    {
      fallback: (error) => {
        throw error;
      },
    },
  ],
];

/** A frame of `name` in a stack trace: `at async name (…)`, or `at name (…)` as vitest writes it. */
function callerFrame(name: string): RegExp {
  return new RegExp(`\\bat (async )?${name} `);
}

describe("an error the function throws after an await keeps its caller's frame", () => {
  it.each(chained)('through execute() on %s', async (_label, options) => {
    const breaker = new CircuitBreaker(options);
    async function callerOfExecute(): Promise<unknown> {
      return await breaker.execute(failLater);
    }
    const error = (await callerOfExecute().catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('down');
    expect(error.stack).toMatch(callerFrame('callerOfExecute'));
  });

  it('through execute() with a signal of the caller', async () => {
    const breaker = new CircuitBreaker();
    async function callerWithSignal(): Promise<unknown> {
      return await breaker.execute(failLater, { signal: new AbortController().signal });
    }
    const error = (await callerWithSignal().catch((e: unknown) => e)) as Error;
    expect(error.stack).toMatch(callerFrame('callerWithSignal'));
  });

  it.each(chained)('through a wrapped function on %s', async (_label, options) => {
    const wrapped = new CircuitBreaker(options).wrap(failLater);
    async function callerOfWrapped(): Promise<unknown> {
      return await wrapped();
    }
    const error = (await callerOfWrapped().catch((e: unknown) => e)) as Error;
    expect(error.stack).toMatch(callerFrame('callerOfWrapped'));
  });
});

// Each call fails and nobody handles its promise; the script lists what the process reported.
const script = `
import { CircuitBreaker } from ${JSON.stringify(coreEntry)};
const reported = [];
process.on('unhandledRejection', (error) => reported.push(error.message));
process.on('exit', () => console.log(JSON.stringify(reported.sort())));
const failLater = (message) => async () => {
  await Promise.resolve();
  throw new Error(message);
};

failLater('no breaker')();
new CircuitBreaker().execute(failLater('execute'));
new CircuitBreaker().wrap(failLater('wrap'))();
new CircuitBreaker().execute(() => { throw new Error('sync throw'); });
new CircuitBreaker({ slowCallDurationMs: 60_000 }).execute(failLater('timed'));
new CircuitBreaker({ bulkhead: { maxConcurrent: 1 } }).execute(failLater('bulkhead'));
new CircuitBreaker({ timeoutMs: 60_000 }).execute(failLater('timeout'));
new CircuitBreaker({ consecutiveFailures: 1 }).execute(failLater('opening'));
new CircuitBreaker({ fallback: (error) => { throw error; } }).execute(failLater('fallback'));
`;

it('reports a failed call whose caller never handles it as an unhandled rejection', async () => {
  const { output, code } = await runModuleScript(script);
  expect(JSON.parse(output)).toEqual(
    [
      'bulkhead',
      'execute',
      'fallback',
      'no breaker',
      'opening',
      'sync throw',
      'timed',
      'timeout',
      'wrap',
    ].sort(),
  );
  expect(code).toBe(0);
});
