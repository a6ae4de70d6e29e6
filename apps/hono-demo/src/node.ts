// The gateway on Node.js: `pnpm --filter hono-demo start` (with `pnpm --filter upstream start`).
import { createGateway } from './gateway.ts';
import { listenOnNode } from './node-server.ts';
import { demoSettings, listeningLine } from './settings.ts';

const { port, upstreamUrl, upstreamTimeoutMs } = demoSettings((name) => process.env[name]);
const gateway = await listenOnNode(createGateway({ upstreamUrl, upstreamTimeoutMs }), port);
console.log(listeningLine(Number(new URL(gateway.url).port)));
const stop = (): void => {
  void gateway.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
