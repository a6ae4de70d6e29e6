// The root demo (`npm run demo`): a healthy upstream fails, then recovers, while clients call
// it — through the Express gateway (axios inside), the Fastify gateway (fetch inside), the Hono
// gateway (withBreaker(fetch) inside), the NestJS service (a decorated method with a cached
// fallback), through fetch and got with breakers, through a gRPC service in front of it (with
// @tripswitch/grpc on the client), and through got without. Prints a timeline of every circuit,
// then what each client saw and sent.
import { demoPhases } from './phases.ts';
import { formatEntry, formatReport, formatSavings } from './report.ts';
import { runScenario } from './scenario.ts';
import { startDemoSystem } from './setup.ts';
import { realTiming } from './timing.ts';

// `npm run demo -- --serve` keeps everything running and repeats the scenario until stopped, so
// the dashboard and the metrics endpoint have something to show.
const serve = process.argv.includes('--serve');
const system = await startDemoSystem();
const phases = demoPhases([...system.registries.values()]);
console.log(`Tripswitch demo: an upstream fails and recovers while ${system.clients.length} clients call it, 10 calls a second each.
  upstream         ${system.upstream.url}
  Express gateway  ${system.gatewayUrl} (health: ${system.gatewayUrl}/health/circuits)
  Fastify gateway  ${system.fastifyUrl} (health: ${system.fastifyUrl}/health/circuits, dashboard: ${system.fastifyUrl}/breakers/)
  Hono gateway     ${system.honoUrl} (health: ${system.honoUrl}/health/circuits)
  NestJS service   ${system.nestUrl} (health: ${system.nestUrl}/health)
  gRPC service     ${system.grpcAddress} (shop.Inventory, reading the upstream)
  dashboard        ${system.gatewayUrl}/breakers/  (the gateway's breakers, live)
  metrics          ${system.gatewayUrl}/metrics (Prometheus), ${system.nestUrl}/otel/metrics (OpenTelemetry)${serve ? '\n\nServing until Ctrl-C; the scenario repeats.' : ''}

${formatEntry({ atMs: 0, source: 'source', text: 'event' }).replace(/^ +0\.00s/, ' elapsed')}`);
let stopping = false;
if (serve) {
  process.once('SIGINT', () => {
    stopping = true;
    console.log('\nStopping after this round; Ctrl-C again to quit now.');
    process.once('SIGINT', () => process.exit(130));
  });
}
try {
  do {
    const result = await runScenario({
      timing: realTiming,
      upstream: system.upstream,
      clients: system.clients,
      registries: system.registries,
      phases,
      intervalMs: 100,
      overlap: true,
      onEntry: (entry) => console.log(formatEntry(entry)),
    });
    const labels = system.clients.map((c) => c.label);
    console.log(
      `\n${formatReport(
        result,
        phases.map((p) => p.name),
        labels,
      )}\n`,
    );
    const baseline = 'got, no breaker';
    console.log(
      formatSavings(
        result,
        baseline,
        labels.filter((label) => label !== baseline),
      ),
    );
  } while (serve && !stopping);
} finally {
  await system.close();
}
