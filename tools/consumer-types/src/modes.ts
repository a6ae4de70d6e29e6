import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A module resolution a consumer may use, and how its consumer files are written for it. */
export interface Mode {
  readonly name: 'nodenext-esm' | 'nodenext-cjs' | 'bundler' | 'node10';
  readonly label: string;
  /** The extension that makes a consumer file ESM or CommonJS in this mode. */
  readonly extension: '.mts' | '.cts' | '.ts';
  readonly compilerOptions: Readonly<Record<string, unknown>>;
}

// One program per mode: ESM and CommonJS files together in one nodenext program would meet both
// copies of the packages' types at once (the dual-package hazard: Fastify's `app.breakers`
// declared with two unrelated BreakerRegistry types), which is not what either consumer sees.
export const modes: readonly Mode[] = [
  {
    name: 'nodenext-esm',
    label: 'nodenext, ESM',
    extension: '.mts',
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' },
  },
  {
    name: 'nodenext-cjs',
    label: 'nodenext, CommonJS',
    extension: '.cts',
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' },
  },
  {
    name: 'bundler',
    label: 'bundler',
    extension: '.ts',
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler' },
  },
  {
    // NestJS's default project, `module: commonjs`, resolves as node10 before TypeScript 6.
    name: 'node10',
    label: 'node10, CommonJS',
    extension: '.ts',
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10' },
  },
];

// What every consumer compiles with: the strictest options a user's project may set, and every
// declaration file checked but TypeScript's own lib files.
const sharedOptions = {
  target: 'es2022',
  lib: ['es2023'],
  types: ['node'],
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  skipDefaultLibCheck: true,
  noEmit: true,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
};

/** A consumer file, and the modes it is not written for. */
export interface ConsumerFile {
  readonly name: string;
  readonly source: string;
  readonly skip: ReadonlyArray<Mode['name']>;
}

/**
 * Writes one directory per mode in the project at `projectDir`, each with its tsconfig.json and
 * a copy of each consumer file, with the mode's extension. Returns each mode's directory.
 */
export function writeModes(
  projectDir: string,
  consumers: readonly ConsumerFile[],
): ReadonlyMap<Mode, string> {
  writeFileSync(join(projectDir, 'package.json'), '{ "name": "consumer", "private": true }\n');
  const dirs = new Map<Mode, string>();
  for (const mode of modes) {
    const dir = join(projectDir, mode.name);
    mkdirSync(dir);
    const tsconfig = {
      compilerOptions: { ...sharedOptions, ...mode.compilerOptions },
      include: [`*${mode.extension}`],
    };
    writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
    for (const consumer of consumers) {
      if (!consumer.skip.includes(mode.name)) {
        writeFileSync(join(dir, consumer.name + mode.extension), consumer.source);
      }
    }
    dirs.set(mode, dir);
  }
  return dirs;
}
