import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** An entry point of a published package: what a user imports, and the source behind it. */
export interface PackageEntry {
  /** `@tripswitch/core/http`. */
  readonly specifier: string;
  /** The absolute path of its TypeScript source. */
  readonly source: string;
}

/** A published package and the entry points its reference documents. */
export interface DocumentedPackage {
  readonly name: string;
  /** Its absolute directory. */
  readonly dir: string;
  readonly entries: readonly PackageEntry[];
}

/** The export condition that points every entry point at its TypeScript source. */
const sourceCondition = '@tripswitch/source';

/**
 * Entry points left out of the reference: an `./internal` entry holds what the packages share
 * among themselves, documented in its own module comment as carrying no stability promise.
 */
const undocumented = new Set(['./package.json', './internal']);

/**
 * Every package under `packages/` that is not private, with the entry points of its `exports`
 * map and their sources: read from the directories and manifests, so a new package or entry is
 * documented without a change here.
 *
 * @throws an Error naming an entry point whose export has no `@tripswitch/source` condition.
 */
export function documentedPackages(root: string): DocumentedPackage[] {
  const packages: DocumentedPackage[] = [];
  for (const entry of readdirSync(join(root, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, 'packages', entry.name);
    let manifest: { name: string; private?: boolean; exports?: Record<string, unknown> };
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue; // a directory left behind without a package
    }
    if (manifest.private === true) continue;
    const entries: PackageEntry[] = [];
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (undocumented.has(subpath)) continue;
      const source = (target as Record<string, unknown> | null)?.[sourceCondition];
      if (typeof source !== 'string') {
        throw new Error(
          `${manifest.name}: the export "${subpath}" has no "${sourceCondition}" condition naming its source`,
        );
      }
      entries.push({
        specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
        source: join(dir, source),
      });
    }
    packages.push({ name: manifest.name, dir, entries });
  }
  return packages.sort((a, b) => a.name.localeCompare(b.name));
}
