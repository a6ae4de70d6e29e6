// The same gateway on Bun: `bun src/bun.ts`.
import { createGateway } from './gateway.ts';
import { demoSettings, listeningLine } from './settings.ts';

declare const Bun: {
  env: Record<string, string | undefined>;
  serve(options: {
    port: number;
    hostname: string;
    fetch: (request: Request) => Response | Promise<Response>;
  }): { port: number };
};

const { port, upstreamUrl, upstreamTimeoutMs } = demoSettings((name) => Bun.env[name]);
const server = Bun.serve({
  port,
  hostname: '127.0.0.1',
  fetch: createGateway({ upstreamUrl, upstreamTimeoutMs }).fetch,
});
console.log(listeningLine(server.port));
