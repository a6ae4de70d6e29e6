import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/** A published package, packed. */
export interface PackedPackage {
  readonly name: string;
  readonly tarball: string;
}

/**
 * Packs every package under packages/ with `pnpm pack`, as `pnpm publish` packs it (`files`
 * applied, `workspace:` ranges replaced), into `destination`.
 */
export function packPackages(repoRoot: string, destination: string): PackedPackage[] {
  mkdirSync(destination, { recursive: true });
  const run = spawnSync(
    'pnpm',
    [
      '--recursive',
      '--filter',
      './packages/*',
      'pack',
      '--pack-destination',
      destination,
      '--json',
    ],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  if (run.status !== 0) {
    throw new Error(`pnpm pack failed:\n${run.stdout}${run.stderr}${run.error ?? ''}`);
  }
  const packed: unknown = JSON.parse(run.stdout);
  return (Array.isArray(packed) ? packed : [packed]).map(
    ({ name, filename }: { name: string; filename: string }) => ({ name, tarball: filename }),
  );
}
