import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = resolve(import.meta.dirname, '..');
const fixtures = join(import.meta.dirname, 'fixtures');
let appDir: string;

/**
 * A consumer's project in a temporary directory: `type: commonjs`, and a node_modules holding
 * the built @tripswitch/nestjs and the same Nest, rxjs and reflect-metadata this package is
 * tested with (links to them, as a package manager would install them).
 */
beforeAll(async () => {
  if (!existsSync(join(packageDir, 'dist/index.cjs'))) {
    throw new Error(
      'dist/index.cjs is missing: build the package first (pnpm --filter @tripswitch/nestjs build, or run the tests through turbo)',
    );
  }
  appDir = await mkdtemp(join(tmpdir(), 'tripswitch-nestjs-cjs-'));
  const modules = join(appDir, 'node_modules');
  await mkdir(join(modules, '@nestjs'), { recursive: true });
  await mkdir(join(modules, '@tripswitch'), { recursive: true });
  await mkdir(join(modules, '@types'), { recursive: true });
  const link = async (name: string) =>
    symlink(await realpath(join(packageDir, 'node_modules', name)), join(modules, name), 'dir');
  await Promise.all(
    [
      '@nestjs/common',
      '@nestjs/core',
      '@nestjs/platform-express',
      '@nestjs/terminus',
      '@types/node',
      'reflect-metadata',
      'rxjs',
    ].map(link),
  );
  await symlink(packageDir, join(modules, '@tripswitch/nestjs'), 'dir');
  await writeFile(
    join(appDir, 'package.json'),
    JSON.stringify({ name: 'commonjs-nest-app', private: true, type: 'commonjs' }),
  );
  await writeFile(
    join(appDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        skipLibCheck: true,
        types: ['node'],
        outDir: 'dist',
      },
      files: ['main.ts'],
    }),
  );
  await copyFile(join(fixtures, 'commonjs-app.ts'), join(appDir, 'main.ts'));
  await copyFile(join(fixtures, 'without-terminus.cjs'), join(appDir, 'without-terminus.cjs'));
  try {
    await promisify(execFile)(join(packageDir, 'node_modules/.bin/tsc'), ['-p', appDir]);
  } catch (error) {
    throw new Error(`tsc failed:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
  }
});

afterAll(async () => {
  if (appDir !== undefined) await rm(appDir, { recursive: true, force: true });
});

/** Runs node on a file of the consumer's project, without the test runner's options. */
function node(file: string): ChildProcess {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return spawn(process.execPath, [join(appDir, file)], {
    cwd: appDir,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** The first line `child` prints, as JSON; fails at once when its output ends without one. */
async function firstLine(child: ChildProcess): Promise<Record<string, unknown>> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) return JSON.parse(line) as Record<string, unknown>;
  throw new Error('the app ended its output without printing a line (its stderr is above)');
}

describe('a CommonJS Nest application consuming the built package', () => {
  it('loads dist/index.cjs, serves 200, then 503 once the circuit opens', async () => {
    const child = node('dist/main.js');
    const exited = once(child, 'exit');
    try {
      const started = await firstLine(child);
      expect(started).toMatchObject({
        moduleSystem: 'commonjs',
        entry: join(packageDir, 'dist/index.cjs'),
        terminusEntry: join(packageDir, 'dist/terminus.cjs'),
        filterParamTypes: ['HttpAdapterHost', 'Object'],
      });
      const get = (path: string) => fetch(`${String(started.url)}${path}`);

      expect((await get('/status')).status).toBe(200);
      const ok = await get('/orders');
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ id: 1 });
      expect((await get('/health')).status).toBe(200);

      expect((await get('/orders?fail=1')).status).toBe(500);
      const refused = await get('/orders');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(refused.headers.get('retry-after')).toBe('60');
      const body = await refused.json();
      expect(body).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
      expect(body).not.toHaveProperty('breaker');
      expect((await get('/health')).status).toBe(503);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(child.exitCode).toBe(0);
  });

  it('loads the main entry without @nestjs/terminus installed, in CommonJS and ESM', async () => {
    const child = node('without-terminus.cjs');
    const exited = once(child, 'exit');
    const result = await firstLine(child);
    await exited;
    expect(result).toEqual({
      require: {
        loaded: true,
        exports: expect.arrayContaining(['CircuitBreaker', 'TripswitchModule']),
      },
      requireTerminus: { loaded: false, error: expect.stringContaining("'@nestjs/terminus'") },
      import: {
        loaded: true,
        exports: expect.arrayContaining(['CircuitBreaker', 'TripswitchModule']),
      },
    });
  });
});
