import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appRoot = resolve(import.meta.dirname, '..');
let appDir: string;

/**
 * A CommonJS consumer with @tripswitch/nestjs installed as a user gets it: its package.json and
 * build copied into node_modules (a linked workspace package would resolve Nest from
 * packages/nestjs, where Nest 12 is), next to this app's Nest 11.
 */
beforeAll(async () => {
  const nestjsPackage = await realpath(join(appRoot, 'node_modules/@tripswitch/nestjs'));
  if (!existsSync(join(nestjsPackage, 'dist/index.cjs'))) {
    throw new Error(
      '@tripswitch/nestjs is not built: run the check through turbo, which builds it',
    );
  }
  appDir = await mkdtemp(join(tmpdir(), 'tripswitch-nest11-cjs-'));
  const modules = join(appDir, 'node_modules');
  for (const scope of ['@nestjs', '@tripswitch', '@types']) {
    await mkdir(join(modules, scope), { recursive: true });
  }
  const installed = join(modules, '@tripswitch/nestjs');
  await mkdir(installed);
  await copyFile(join(nestjsPackage, 'package.json'), join(installed, 'package.json'));
  await cp(join(nestjsPackage, 'dist'), join(installed, 'dist'), { recursive: true });
  const link = async (name: string) =>
    symlink(await realpath(join(appRoot, 'node_modules', name)), join(modules, name), 'dir');
  await Promise.all(
    [
      '@nestjs/common',
      '@nestjs/core',
      '@nestjs/platform-express',
      '@nestjs/terminus',
      '@tripswitch/core',
      '@types/node',
      'reflect-metadata',
      'rxjs',
    ].map(link),
  );
  await writeFile(
    join(appDir, 'package.json'),
    JSON.stringify({ name: 'nest11-commonjs-app', private: true, type: 'commonjs' }),
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
  await copyFile(join(import.meta.dirname, 'fixtures/commonjs-app.ts'), join(appDir, 'main.ts'));
  try {
    await promisify(execFile)(join(appRoot, 'node_modules/.bin/tsc'), ['-p', appDir]);
  } catch (error) {
    throw new Error(`tsc failed:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
  }
});

afterAll(async () => {
  if (appDir !== undefined) await rm(appDir, { recursive: true, force: true });
});

function start(): ChildProcess {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return spawn(process.execPath, [join(appDir, 'dist/main.js')], {
    cwd: appDir,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

describe('a CommonJS Nest 11 application with @tripswitch/nestjs installed', () => {
  it('runs on Nest 11, serves 200, a fallback, then 503; health goes down', async () => {
    const child = start();
    const exited = once(child, 'exit');
    try {
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      const [line] = (await once(lines, 'line')) as [string];
      lines.close();
      const started = JSON.parse(line) as Record<string, unknown>;
      expect(started).toMatchObject({
        moduleSystem: 'commonjs',
        entry: join(appDir, 'node_modules/@tripswitch/nestjs/dist/index.cjs'),
        nestVersion: expect.stringMatching(/^11\./),
        packageNestVersion: expect.stringMatching(/^11\./),
        sameNest: true,
      });
      const get = (path: string) => fetch(`${String(started.url)}${path}`);

      expect(await (await get('/orders')).json()).toEqual({ id: 1, cached: false });
      expect(await (await get('/orders?fail=1')).json()).toEqual({ id: 1, cached: true });
      expect((await get('/status')).status).toBe(200);
      expect((await get('/status?fail=1')).status).toBe(500);
      const refused = await get('/status');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toBe('application/problem+json');
      expect(refused.headers.get('retry-after')).toBe('60');
      const problem = await refused.json();
      expect(problem).toMatchObject({ code: 'ERR_CIRCUIT_OPEN' });
      expect(problem).not.toHaveProperty('breaker');
      expect((await get('/health')).status).toBe(503);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(child.exitCode).toBe(0);
  });
});
