import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PackedPackage } from './pack-packages.ts';

/** A package as the consumer project holds it. */
export interface InstalledPackage {
  readonly name: string;
  /** What a user can import: the package itself and each subpath of its `exports`. */
  readonly entries: readonly string[];
}

/**
 * Installs the packed packages in the project at `projectDir`: each tarball unpacked into
 * node_modules where an install would place it, and each library the packages adapt (their peer
 * dependencies, and @types/node) linked from this tool's own node_modules, where the workspace's
 * lockfile put them. Installing the tarballs with a package manager would need the registry's
 * metadata; unpacking needs nothing, and what is checked is exactly what `pnpm pack` made.
 */
export function installPackages(
  projectDir: string,
  toolDir: string,
  packed: readonly PackedPackage[],
): InstalledPackage[] {
  const modules = join(projectDir, 'node_modules');
  const peers = new Set(['@types/node']);
  const installed = packed.map(({ name, tarball }) => {
    const dir = join(modules, name);
    mkdirSync(dir, { recursive: true });
    const untar = spawnSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], {
      encoding: 'utf8',
    });
    if (untar.status !== 0) throw new Error(`could not unpack ${tarball}: ${untar.stderr}`);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      exports?: Record<string, unknown>;
      peerDependencies?: Record<string, string>;
    };
    for (const peer of Object.keys(manifest.peerDependencies ?? {})) peers.add(peer);
    const subpaths = Object.keys(manifest.exports ?? { '.': null }).filter(
      (subpath) => subpath !== './package.json',
    );
    return {
      name,
      entries: subpaths.map((subpath) => (subpath === '.' ? name : name + subpath.slice(1))),
    };
  });
  for (const peer of peers) {
    const source = join(toolDir, 'node_modules', peer);
    if (!existsSync(source)) {
      throw new Error(
        `${peer}, a peer dependency of a published package, is missing from the devDependencies of tools/consumer-types: add it`,
      );
    }
    const link = join(modules, peer);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(source), link, 'dir');
  }
  return installed;
}
