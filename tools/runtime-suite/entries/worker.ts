// The suite's entry for workerd: a module worker, bundled by the driver with esbuild and run
// through miniflare. A request to it runs the suite; `?upstream=` names the upstream server.
import { cases } from '../suite/cases.ts';
import { runCases } from '../suite/harness.ts';

export default {
  async fetch(request: Request): Promise<Response> {
    const upstream = new URL(request.url).searchParams.get('upstream');
    if (upstream === null) return new Response('?upstream= is missing', { status: 400 });
    return Response.json(await runCases(cases, { upstream }));
  },
};
