// The same gateway on Deno: `pnpm --filter hono-demo start:deno` (its permissions are there).
import { createGateway } from './gateway.ts';
import { demoSettings, listeningLine } from './settings.ts';

declare const Deno: {
  env: { get(name: string): string | undefined };
  serve(
    options: { port: number; hostname: string; onListen(address: { port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
};

const { port, upstreamUrl, upstreamTimeoutMs } = demoSettings((name) => Deno.env.get(name));
Deno.serve(
  { port, hostname: '127.0.0.1', onListen: (address) => console.log(listeningLine(address.port)) },
  createGateway({ upstreamUrl, upstreamTimeoutMs }).fetch,
);
