import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import type { SuiteReport } from '../suite/harness.ts';

/** This package's directory: the runtimes start there, so they find its node_modules. */
const here = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** A runtime the suite runs on. */
export interface Runtime {
  /** Its name, as in the README's table. */
  readonly name: string;
  /** Why it is not tested here, when it is not (its binaries exist for linux-x64 only). */
  readonly skip?: string;
  /** Runs the whole suite on it; `upstream` is the local server's URL. */
  run(upstream: string): Promise<RuntimeReport>;
}

/** A runtime's report: its exact version, and what it loaded each package from. */
export interface RuntimeReport extends SuiteReport {
  version: string;
  /** The file each `@tripswitch/*` package was loaded from (for workerd, bundled from). */
  modules: string[];
}

const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
const notHere = `its binary is packaged for linux-x64 only; this is ${process.platform}-${process.arch}`;

/** Every runtime the README names, in its order. */
export function runtimes(): Runtime[] {
  return [
    cliRuntime('Node.js 22', node22, (upstream) => ['entries/cli.ts', upstream]),
    process.version.startsWith('v24.')
      ? cliRuntime(
          'Node.js 24',
          () => process.execPath,
          (upstream) => ['entries/cli.ts', upstream],
        )
      : { name: 'Node.js 24', skip: `the tests run on Node.js ${process.version}`, run: never },
    cliRuntime('Bun', packaged('@oven/bun-linux-x64', 'bin/bun'), (upstream) => [
      'entries/cli.ts',
      upstream,
    ]),
    cliRuntime('Deno', packaged('@deno/linux-x64-glibc', 'deno'), (upstream) => [
      'run',
      '--no-lock',
      '--allow-net=127.0.0.1',
      'entries/cli.ts',
      upstream,
    ]),
    workerdRuntime('workerd', '2026-07-30'),
    // An older compatibility date has no WeakRef: the health handler's fallback runs here.
    workerdRuntime('workerd (compatibility date 2024-01-01)', '2024-01-01'),
  ];
}

/** Node.js 22 comes from scripts/bootstrap.sh, which exports its path as TRIPSWITCH_NODE22. */
function node22(): string {
  const node = process.env.TRIPSWITCH_NODE22;
  if (node !== undefined && node !== '') return node;
  throw new Error(
    'Node.js 22 is not provisioned: TRIPSWITCH_NODE22 is not set (`source scripts/bootstrap.sh` sets it)',
  );
}

/** The binary a runtime's npm package ships (an optional dependency of this package). */
function packaged(name: string, path: string): () => string {
  return () => {
    try {
      return join(dirname(require.resolve(`${name}/package.json`)), path);
    } catch {
      throw new Error(`${name} is not installed: run \`pnpm install\``);
    }
  };
}

function cliRuntime(
  name: string,
  executable: () => string,
  args: (upstream: string) => string[],
): Runtime {
  // Node.js runs wherever the tests run (bootstrap provisions both); Bun and Deno come from
  // packages for linux-x64 only.
  const skip = name.startsWith('Node.js') || linuxX64 ? undefined : notHere;
  return {
    name,
    ...(skip === undefined ? {} : { skip }),
    run: async (upstream) => {
      const output = await runToEnd(executable(), args(upstream));
      const last = output.trim().split('\n').at(-1) ?? '';
      return JSON.parse(last) as RuntimeReport;
    },
  };
}

/** Runs `executable` in this package's directory with a clean environment; resolves with stdout. */
function runToEnd(executable: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, {
      cwd: here,
      // What a user's shell would have: no test runner's variables, no Node.js options.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? here,
        NO_COLOR: '1',
        DO_NOT_TRACK: '1',
        DENO_NO_UPDATE_CHECK: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', (error) =>
      reject(new Error(`could not start ${executable}: ${error.message}`)),
    );
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(`${executable} ${args.join(' ')} exited with ${code}:\n${stderr}${stdout}`),
        );
    });
  });
}

/** The suite's worker, as miniflare names it (and as its `SELF` binding points back to it). */
const workerName = 'runtime-suite';

function workerdRuntime(name: string, compatibilityDate: string): Runtime {
  return {
    name,
    run: async (upstream) => {
      const bundle = await build({
        entryPoints: [join(here, 'entries/worker.ts')],
        bundle: true,
        write: false,
        metafile: true,
        format: 'esm',
        platform: 'neutral',
        // What wrangler resolves for a worker: no `node` condition, no Node.js built-ins.
        conditions: ['workerd', 'worker', 'browser'],
        mainFields: ['module', 'main'],
        logLevel: 'silent',
      });
      const script = bundle.outputFiles[0]?.text ?? '';
      // SELF: the worker itself, for the steps a case runs in a request of their own.
      const worker = new Miniflare({
        name: workerName,
        modules: true,
        script,
        compatibilityDate,
        serviceBindings: { SELF: workerName },
      });
      try {
        const response = await worker.dispatchFetch(
          `http://suite.test/?upstream=${encodeURIComponent(upstream)}`,
        );
        const report = (await response.json()) as SuiteReport;
        const modules = Object.keys(bundle.metafile.inputs).filter((input) =>
          /\/packages\/(core|fetch|hono)\//.test(input),
        );
        return { ...report, version: workerdVersion(), modules };
      } finally {
        await worker.dispose();
      }
    },
  };
}

function workerdVersion(): string {
  const miniflare = createRequire(require.resolve('miniflare'));
  const manifest = readFileSync(miniflare.resolve('workerd/package.json'), 'utf8');
  return `${(JSON.parse(manifest) as { version: string }).version}`;
}

function never(): Promise<never> {
  return Promise.reject(new Error('this runtime is not tested here'));
}
