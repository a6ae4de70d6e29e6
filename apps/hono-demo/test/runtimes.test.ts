// The same gateway code started by Node.js, Bun and Deno, each serving a real request: the
// commands the README shows, with PORT=0 so each picks a free port and prints it.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startUpstream } from 'upstream';
import { describe, expect, it, onTestFinished } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const linuxX64 = process.platform === 'linux' && process.arch === 'x64';

/** The binary a runtime's npm package ships (an optional dependency, linux-x64 only). */
function packaged(name: string, path: string): string {
  return join(dirname(require.resolve(`${name}/package.json`)), path);
}

const starts = [
  { runtime: 'Node.js', agent: /^Node\.js\//, command: () => [process.execPath, 'src/node.ts'] },
  {
    runtime: 'Bun',
    agent: /^Bun\//,
    command: () => [packaged('@oven/bun-linux-x64', 'bin/bun'), 'src/bun.ts'],
  },
  {
    runtime: 'Deno',
    agent: /^Deno\//,
    command: () => [
      packaged('@deno/linux-x64-glibc', 'deno'),
      'run',
      '--no-lock',
      '--allow-net=127.0.0.1',
      '--allow-env=PORT,UPSTREAM_URL,UPSTREAM_TIMEOUT_MS',
      'src/deno.ts',
    ],
  },
];

describe.each(starts)('$runtime', ({ runtime, agent, command }) => {
  it.skipIf(runtime !== 'Node.js' && !linuxX64)(
    'starts the gateway and serves a request',
    async () => {
      const upstream = await startUpstream();
      onTestFinished(() => upstream.close());
      const [executable = '', ...args] = command();
      const child = spawn(executable, args, {
        cwd: here,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? here,
          PORT: '0',
          UPSTREAM_URL: upstream.url,
          UPSTREAM_TIMEOUT_MS: '60000', // a bound that only catches a hang, on a busy machine
          NO_COLOR: '1',
          DENO_NO_UPDATE_CHECK: '1',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      onTestFinished(() => stop(child));

      const gateway = await listeningUrl(child);
      const response = await fetch(`${gateway}/items/7`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { item: { path: string }; runtime: string };
      expect(body.item.path).toBe('/items/7');
      expect(body.runtime).toMatch(agent);
      expect((await fetch(`${gateway}/health/circuits`)).status).toBe(200);
    },
  );
});

/** Resolves with the gateway's URL once the child prints the line it prints when listening. */
async function listeningUrl(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const match = /^hono gateway (http:\/\/127\.0\.0\.1:\d+)\//.exec(line);
    if (match?.[1] !== undefined) return match[1];
  }
  throw new Error(`the gateway exited (${child.exitCode}) before it listened`);
}

/** Stops the child by its pid, and waits for it to exit. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
