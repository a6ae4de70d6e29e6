/**
 * The suite's own small harness: a case is a named async function that throws when something
 * does not hold. No test framework runs on every runtime, so the suite brings what it needs and
 * reports plain JSON that the driver (vitest, on Node.js) checks case by case.
 */

/** What a case may use: where the local upstream server listens, and requests of its own. */
export interface SuiteContext {
  /** `http://127.0.0.1:<port>` of the driver's upstream server (see `src/upstream.ts`). */
  upstream: string;
  /**
   * Runs `step`, one of the running case's `steps`, as a request of its own where the runtime
   * gives each request a context of its own (workerd: a request the worker makes to itself,
   * through a service binding), or at once elsewhere; resolves with what the step resolved with.
   * On workerd, what one request created may not be usable in another: a breaker built at
   * module scope serves them all.
   */
  inRequest(step: string): Promise<unknown>;
}

/** One check of the suite. */
export interface Case {
  name: string;
  /**
   * Where the case does not hold, by runtime (named as in src/runtimes.ts), and why: a defect
   * of a package under test, which only that package may fix, or a limit of the runtime. The
   * runtime still runs the case; the driver reports it skipped there.
   */
  skipOn?: Readonly<Record<string, string>>;
  /** What the case runs through `context.inRequest(step)`, by name. */
  steps?: Readonly<Record<string, (context: SuiteContext) => Promise<unknown>>>;
  run(context: SuiteContext): Promise<void>;
}

/**
 * How a runtime runs a case's step in a request of its own; resolves with what the step
 * resolved with, rejects with what it threw.
 */
export type StepRunner = (c: Case, step: string, context: SuiteContext) => Promise<unknown>;

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

/**
 * Runs the cases one after another, so no case's timers or sockets overlap another's. A case's
 * steps run through `runStep`: by default at once, in the same context as the case.
 */
export async function runCases(
  cases: readonly Case[],
  upstream: string,
  runStep: StepRunner = stepAtOnce,
): Promise<SuiteReport> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const context: SuiteContext = {
      upstream,
      inRequest: (step) => runStep(c, step, context),
    };
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

/** Runs a case's step in the context the case runs in: where requests share one context. */
export async function stepAtOnce(c: Case, step: string, context: SuiteContext): Promise<unknown> {
  return await stepOf(c, step)(context);
}

/** The step of `c` called `step`; throws when it has none. */
export function stepOf(c: Case, step: string): (context: SuiteContext) => Promise<unknown> {
  const run = c.steps?.[step];
  if (run === undefined) throw new Error(`the case "${c.name}" has no step "${step}"`);
  return run;
}

/**
 * Builds a case's object when the suite is imported: on workerd, in the worker's global scope,
 * where timers, I/O and random values are refused and `performance.now()` reads 0, as a user's
 * module-scope app, breaker or wrapped fetch is built. Returns a getter; what `make` threw, the
 * getter throws, so one case fails rather than the whole worker's start.
 */
export function atImport<T>(make: () => T): () => T {
  try {
    const made = make();
    return () => made;
  } catch (error) {
    return () => {
      throw new Error(`building it at import (global scope) threw: ${String(error)}`, {
        cause: error,
      });
    };
  }
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
