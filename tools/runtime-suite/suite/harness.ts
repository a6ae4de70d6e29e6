/**
 * The suite's own small harness: a case is a named async function that throws when something
 * does not hold. No test framework runs on every runtime, so the suite brings what it needs and
 * reports plain JSON that the driver (vitest, on Node.js) checks case by case.
 */

/** What a case may use: where the local upstream server listens. */
export interface SuiteContext {
  /** `http://127.0.0.1:<port>` of the driver's upstream server (see `src/upstream.ts`). */
  upstream: string;
}

/** One check of the suite. */
export interface Case {
  name: string;
  run(context: SuiteContext): Promise<void>;
}

/** How one case ended on one runtime. */
export interface CaseResult {
  name: string;
  ok: boolean;
  /** The failure: message and stack, when `ok` is false. */
  error?: string;
}

/** What a runtime reports: itself, and every case's result. */
export interface SuiteReport {
  /** `navigator.userAgent`, e.g. `Bun/1.4.5`, `Deno/2.9.6`, `Cloudflare-Workers`. */
  runtime: string;
  results: CaseResult[];
}

/** Runs the cases one after another, so no case's timers or sockets overlap another's. */
export async function runCases(
  cases: readonly Case[],
  context: SuiteContext,
): Promise<SuiteReport> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    try {
      await c.run(context);
      results.push({ name: c.name, ok: true });
    } catch (error) {
      const text =
        error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
      results.push({ name: c.name, ok: false, error: text });
    }
  }
  return { runtime: typeof navigator === 'undefined' ? 'unknown' : navigator.userAgent, results };
}

/** Throws when `condition` is false. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Throws when `actual` and `expected` differ as JSON. */
export function equal(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** Throws when any field of `expected` differs from `actual`'s, as JSON (other fields may exist). */
export function matches(actual: object | undefined, expected: object, what: string): void {
  const picked = Object.fromEntries(
    Object.keys(expected).map((key) => [
      key,
      (actual as Record<string, unknown> | undefined)?.[key],
    ]),
  );
  equal(picked, expected, what);
}

/** Resolves with what `promise` rejected with; throws when it fulfilled. */
export async function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`${what}: expected a rejection, but it fulfilled`);
}

/** A clock a case moves by hand, for the breakers' `clock` option. */
export function manualClock(start = 1_000_000): { now(): number; advance(ms: number): void } {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}
