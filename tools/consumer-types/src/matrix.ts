import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mode } from './modes.ts';

/** A TypeScript compiler, and the modes it checks. */
export interface Compiler {
  readonly version: string;
  /** Its `tsc` script, run with this Node. */
  readonly tsc: string;
  readonly modes: ReadonlyArray<Mode['name']>;
  /** Options for this compiler alone, on its command line. */
  readonly args: readonly string[];
}

const modules = join(import.meta.dirname, '..', 'node_modules');

function compiler(
  packageName: string,
  modes: ReadonlyArray<Mode['name']>,
  args: readonly string[] = [],
): Compiler {
  const dir = join(modules, packageName);
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return { version, tsc: join(dir, 'bin', 'tsc'), modes, args };
}

/**
 * The oldest TypeScript the packages claim (5.8: the libraries they adapt need it too — got's
 * types use the generic Uint8Array of 5.7, and a CommonJS file may import the ESM-only NestJS
 * and got from 5.8), in every mode; the newest, in every mode it has. TypeScript 7 removed
 * `moduleResolution: node10`, which 6 deprecated, so node10 is also checked on 6.
 */
export const compilers: readonly Compiler[] = [
  compiler('typescript5', ['nodenext-esm', 'nodenext-cjs', 'bundler', 'node10']),
  compiler('typescript6', ['node10'], ['--ignoreDeprecations', '6.0']),
  compiler('typescript', ['nodenext-esm', 'nodenext-cjs', 'bundler']),
];
