/** A line of the timing table: one situation every library is measured in. */
export interface Row {
  /** The key libraries use for their contender in this row (`Library.rows[id]`). */
  id: string;
  /** The row's label in tables. */
  title: string;
  /** What one operation of the row is, for the report. */
  description: string;
  /** The row of the bare library that this row's "÷ bare" ratios divide by. */
  baseline: string;
  /**
   * What the least a breaker could cost in this row is (see `subjects/floor.ts`), for the
   * report; the row's "÷ floor" ratio divides by the floor library's contender in the row.
   */
  floor?: string;
  /** Whether each operation should resolve or reject; checked after timing. */
  expect: 'resolve' | 'reject';
}

/**
 * Every timing row, in table order. To add a row, add it here and give each library that can take
 * part a contender under the same id (see `subjects/`); a library without one shows a dash.
 */
export const rows: readonly Row[] = [
  {
    id: 'closed',
    title: 'closed, successful call',
    description: 'the circuit is closed and the wrapped function resolves',
    baseline: 'closed',
    floor:
      "`await fn().then(onOk, onErr)`: the bare call plus the one reaction a breaker must attach to learn the call's outcome",
    expect: 'resolve',
  },
  {
    id: 'working',
    title: 'closed, call parsing 1 KB of JSON',
    description:
      'the circuit is closed and the wrapped function parses 1 KB of JSON (a few µs) before it ' +
      'resolves: about the least a real dependency call costs',
    baseline: 'working',
    expect: 'resolve',
  },
  {
    id: 'failing',
    title: 'closed, failing call',
    description:
      'the wrapped function rejects; the breaker records the failure and, as configured, stays closed',
    baseline: 'failing',
    expect: 'reject',
  },
  {
    id: 'throwing',
    title: 'closed, failing call (new Error)',
    description:
      'the wrapped function throws a new `Error` (with its stack trace), as a real failure does; ' +
      'the breaker records the failure and stays closed',
    baseline: 'throwing',
    floor:
      'the bare failing call made through one function, `await through(fn)` with ' +
      '`through = (fn) => fn()`: a breaker is at least one function between its caller and the ' +
      "dependency, and the error captures that frame in its stack trace, as it would the breaker's",
    expect: 'reject',
  },
  {
    id: 'hono',
    title: 'Hono request to a JSON route',
    description:
      '`app.fetch()` of a GET in process, no network: what `breakerMiddleware()` of ' +
      '@tripswitch/hono adds to a request, including what any middleware costs in Hono (its ' +
      'middleware chain instead of the direct handler call). No peer has a Hono middleware',
    baseline: 'hono',
    expect: 'resolve',
  },
  {
    id: 'open',
    title: 'open, refused call',
    description:
      'the circuit is open; the call is refused without calling the function. Its "÷ bare" ' +
      'divides by awaiting a rejection made once, with no clock read',
    baseline: 'open',
    floor:
      'one read of `performance.now()` and awaiting a rejection made once: the least a refusal ' +
      'can cost its caller when it says how long the circuit stays open (`retryAfterMs`), which ' +
      'takes a clock read (a breaker with a timer running while open could skip the read, but ' +
      'not tell the time left)',
    expect: 'reject',
  },
];
