/** What every runtime's entry reads from its environment. */
export interface DemoSettings {
  /** Where the gateway listens; 0 picks a free port. */
  port: number;
  /** The upstream to call: `pnpm --filter upstream start` serves one on port 4000. */
  upstreamUrl: string;
  /** How long a call to the upstream may take. */
  upstreamTimeoutMs: number;
}

/**
 * Reads `PORT` (default 3000), `UPSTREAM_URL` (default `http://127.0.0.1:4000`) and
 * `UPSTREAM_TIMEOUT_MS` (default 1000).
 */
export function demoSettings(env: (name: string) => string | undefined): DemoSettings {
  return {
    port: Number(env('PORT') ?? 3000),
    upstreamUrl: env('UPSTREAM_URL') ?? 'http://127.0.0.1:4000',
    upstreamTimeoutMs: Number(env('UPSTREAM_TIMEOUT_MS') ?? 1_000),
  };
}

/** The line every entry prints once it listens; the tests wait for it. */
export function listeningLine(port: number): string {
  return `hono gateway http://127.0.0.1:${port}/items/42  (health: http://127.0.0.1:${port}/health/circuits)`;
}
