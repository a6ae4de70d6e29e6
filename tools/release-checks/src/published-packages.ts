import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The fields of a package.json the checks read. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly exports?: Readonly<Record<string, unknown>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** A package of the workspace that is published to npm. */
export interface PublishedPackage {
  readonly name: string;
  /** Its directory, relative to the repository's root: `packages/core`. */
  readonly dir: string;
  readonly manifest: Manifest;
}

/** The repository's root, three levels above this file (tools/release-checks/src). */
export const repoRoot: string = new URL('../../../', import.meta.url).pathname;

/**
 * Every package under `packages/` that is not private, in the order of its directory's name: what
 * the checks cover. Read from the directories, not from a list, so a new package is covered the
 * moment it is added.
 */
export function publishedPackages(root: string = repoRoot): PublishedPackage[] {
  const packages: PublishedPackage[] = [];
  for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = `packages/${entry.name}`;
    let text: string;
    try {
      text = readFileSync(join(root, dir, 'package.json'), 'utf8');
    } catch {
      continue; // a directory left behind without a package
    }
    const manifest = JSON.parse(text) as Manifest;
    if (manifest.private !== true) packages.push({ name: manifest.name, dir, manifest });
  }
  return packages.sort((a, b) => a.dir.localeCompare(b.dir));
}

/**
 * The published packages missing from this tool's devDependencies, as a message saying what to
 * add, or undefined. The devDependencies are what makes turbo build every package before these
 * checks run; a package missing from them would be checked against a stale build, or none.
 */
export function missingFromDevDependencies(
  packages: readonly PublishedPackage[],
  tool: Manifest,
): string | undefined {
  const missing = packages.filter(({ name }) => tool.devDependencies?.[name] === undefined);
  if (missing.length === 0) return undefined;
  const lines = missing.map(({ name }) => `    "${name}": "workspace:*",`);
  return `${missing.map(({ name }) => name).join(', ')} ${missing.length === 1 ? 'is' : 'are'} published but not among the devDependencies of ${tool.name}, so turbo would not build ${missing.length === 1 ? 'it' : 'them'} before this check. Add to tools/release-checks/package.json:\n${lines.join('\n')}`;
}
