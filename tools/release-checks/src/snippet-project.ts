import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Snippet } from './markdown-snippets.ts';
import type { PublishedPackage } from './published-packages.ts';

/** Where a README's snippets are compiled. */
export interface SnippetProject {
  readonly dir: string;
  /** The snippet each file of the project holds, by its path relative to `dir`. */
  readonly files: ReadonlyMap<string, Snippet>;
}

/**
 * The compiler options of the project a snippet is compiled in: a user's strict ESM project on
 * Node, with decorators for the NestJS examples. Each snippet is a module of its own.
 */
export const snippetCompilerOptions = {
  target: 'es2022',
  lib: ['es2023'],
  module: 'nodenext',
  moduleResolution: 'nodenext',
  moduleDetection: 'force',
  types: ['node'],
  strict: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  skipLibCheck: true,
  noEmit: true,
} as const;

/**
 * Writes a project in `dir` holding each snippet as a module of its own, `globals` (a declaration
 * file for the free names of the README's examples) when given, and a node_modules where every
 * published package resolves to its directory — so through its `exports` to its build, as for a
 * user — beside the libraries in `libraryDirs`' node_modules (the peers and types the packages
 * are tested with). The first directory that holds a name wins.
 */
export function writeSnippetProject(options: {
  readonly dir: string;
  readonly snippets: readonly Snippet[];
  readonly globals: string | undefined;
  readonly packages: readonly PublishedPackage[];
  readonly repoRoot: string;
  readonly libraryDirs: readonly string[];
}): SnippetProject {
  const { dir, snippets, globals, packages, repoRoot, libraryDirs } = options;
  mkdirSync(join(dir, 'snippets'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'readme-snippets', private: true, type: 'module' })}\n`,
  );
  const files = new Map<string, Snippet>();
  for (const snippet of snippets) {
    const file = `snippets/line-${snippet.line}.ts`;
    writeFileSync(join(dir, file), `${snippet.code}\n`);
    files.set(file, snippet);
  }
  const include = ['snippets/*.ts'];
  if (globals !== undefined) {
    // As a .ts file: skipLibCheck would leave a declaration file's own errors unreported, and a
    // name typed from an export that no longer exists would quietly become `any`.
    copyFileSync(globals, join(dir, 'globals.ts'));
    include.push('globals.ts');
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify({ compilerOptions: snippetCompilerOptions, include }, null, 2)}\n`,
  );

  const modules = join(dir, 'node_modules');
  const linked = new Set<string>();
  const link = (name: string, target: string): void => {
    if (linked.has(name)) return;
    linked.add(name);
    mkdirSync(join(modules, name, '..'), { recursive: true });
    symlinkSync(realpathSync(target), join(modules, name), 'dir');
  };
  for (const { name, dir: packageDir } of packages) link(name, join(repoRoot, packageDir));
  for (const libraryDir of libraryDirs) {
    for (const name of installedNames(join(libraryDir, 'node_modules'))) {
      link(name, join(libraryDir, 'node_modules', name));
    }
  }
  return { dir, files };
}

/** The packages installed in a node_modules directory, scoped ones as `@scope/name`. */
function installedNames(modules: string): string[] {
  if (!existsSync(modules)) return [];
  const names: string[] = [];
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      for (const scoped of readdirSync(join(modules, entry))) names.push(`${entry}/${scoped}`);
    } else names.push(entry);
  }
  return names;
}
