// The suite's entry for workerd: a module worker, bundled by the driver with esbuild and run
// through miniflare. A request to it runs the suite; `?upstream=` names the upstream server. A
// case's step that must run in a request of its own is a request the worker makes to itself,
// through its `SELF` service binding, to `/step?case=&step=`: workerd gives it a context of its
// own, as it does every request of a user's worker, while the module scope stays shared.
import { cases } from '../suite/cases.ts';
import { type Case, runCases, type SuiteContext, stepOf } from '../suite/harness.ts';

/** The bindings the driver gives the worker (see src/runtimes.ts). */
interface Env {
  /** This worker itself. */
  SELF: { fetch(url: string): Promise<Response> };
}

/** What `/step` answers: what the step resolved with, or what it threw. */
type StepAnswer = { value: unknown } | { error: string };

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const upstream = url.searchParams.get('upstream');
    if (upstream === null) return new Response('?upstream= is missing', { status: 400 });
    const runStep = (c: Case, step: string) => stepInRequest(env, upstream, c, step);
    if (url.pathname === '/step') {
      const name = url.searchParams.get('case');
      const c = cases.find((candidate) => candidate.name === name);
      if (c === undefined) return new Response(`no case "${name}"`, { status: 404 });
      const context: SuiteContext = { upstream, inRequest: (step) => runStep(c, step) };
      return Response.json(await answerStep(c, url.searchParams.get('step') ?? '', context));
    }
    return Response.json(await runCases(cases, upstream, runStep));
  },
};

async function answerStep(c: Case, step: string, context: SuiteContext): Promise<StepAnswer> {
  try {
    return { value: (await stepOf(c, step)(context)) ?? null };
  } catch (error) {
    return {
      error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error),
    };
  }
}

async function stepInRequest(env: Env, upstream: string, c: Case, step: string): Promise<unknown> {
  const query = new URLSearchParams({ upstream, case: c.name, step });
  const response = await env.SELF.fetch(`http://suite.test/step?${query}`);
  if (!response.ok) throw new Error(`step "${step}": ${response.status} ${await response.text()}`);
  const answer = (await response.json()) as StepAnswer;
  if ('error' in answer)
    throw new Error(`step "${step}", in a request of its own: ${answer.error}`);
  return answer.value;
}
