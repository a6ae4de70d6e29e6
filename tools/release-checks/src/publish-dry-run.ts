// A release as the changesets workflow makes it, up to the upload: in a copy of the workspace,
// `changeset version` consumes the pending changesets; `changeset pack` packs every published
// package as `changeset publish --from-pack-dir` would publish it; each tarball then goes through
// `pnpm publish --dry-run` with the flags changesets passes. Every tarball must carry the
// released version, no workspace: or catalog: range, and the metadata npm and its provenance
// read. Nothing here needs the registry. `KEEP=1` keeps the copy, and prints where.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { manifestProblems } from './manifest-problems.ts';
import {
  type Manifest,
  missingFromDevDependencies,
  type PublishedPackage,
  publishedPackages,
  repoRoot,
} from './published-packages.ts';
import { type ChangesetsConfig, releaseConfigProblems } from './release-config-problems.ts';

const toolDir = new URL('../', import.meta.url).pathname;
const changeset = join(toolDir, 'node_modules', '.bin', 'changeset');

/** Runs a command, throwing with its output when it fails. */
function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${[basename(command), ...args].join(' ')} failed:\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/**
 * The directories of the workspace's packages, from the `packages:` globs of
 * pnpm-workspace.yaml (a directory, or a directory's children with `/*`).
 */
function workspaceDirs(root: string): string[] {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const block = /^packages:\n((?:\s+-\s+.+\n)+)/m.exec(yaml)?.[1] ?? '';
  const dirs: string[] = [];
  for (const [, glob = ''] of block.matchAll(/-\s+['"]?([^'"\n]+)['"]?/g)) {
    if (!glob.endsWith('/*')) dirs.push(glob);
    else {
      const parent = glob.slice(0, -2);
      for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(`${parent}/${entry.name}`);
      }
    }
  }
  return dirs.filter((dir) => existsSync(join(root, dir, 'package.json')));
}

/**
 * Copies what a release reads into `copy`: the root's manifests and changesets, every workspace
 * package's package.json (changesets reads them all to find dependents), and the published
 * packages whole — builds included, without node_modules.
 */
function copyWorkspace(copy: string, packages: readonly PublishedPackage[]): void {
  for (const file of ['package.json', 'pnpm-workspace.yaml', 'LICENSE']) {
    cpSync(join(repoRoot, file), join(copy, file));
  }
  cpSync(join(repoRoot, '.changeset'), join(copy, '.changeset'), { recursive: true });
  for (const dir of workspaceDirs(repoRoot)) {
    mkdirSync(join(copy, dir), { recursive: true });
    cpSync(join(repoRoot, dir, 'package.json'), join(copy, dir, 'package.json'));
  }
  const skipped = new Set(['node_modules', '.turbo', '.pack']);
  for (const { dir } of packages) {
    cpSync(join(repoRoot, dir), join(copy, dir), {
      recursive: true,
      filter: (source) => !skipped.has(basename(source)),
    });
  }
}

/** The package.json a tarball holds, and the paths of its files. */
function unpack(tarball: string): { manifest: Manifest; files: Set<string> } {
  const manifest = JSON.parse(
    run('tar', ['-xzOf', tarball, 'package/package.json'], toolDir),
  ) as Manifest;
  const files = new Set(
    run('tar', ['-tzf', tarball], toolDir)
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.replace(/^package\//, '')),
  );
  return { manifest, files };
}

/** Releases the copy, and returns what is wrong and the version released. */
function dryRun(
  copy: string,
  packages: readonly PublishedPackage[],
): { problems: string[]; version: string | undefined } {
  const problems: string[] = [];
  const privateBefore = new Map(
    workspaceDirs(copy).map((dir) => [dir, readJson<Manifest>(join(copy, dir, 'package.json'))]),
  );

  run(changeset, ['version'], copy);

  const leftover = readdirSync(join(copy, '.changeset')).filter(
    (file) => file.endsWith('.md') && file !== 'README.md',
  );
  if (leftover.length > 0)
    problems.push(`changeset version left ${leftover.join(', ')} unconsumed`);
  const versions = new Map<string, string>();
  for (const { name, dir } of packages) {
    versions.set(name, readJson<Manifest>(join(copy, dir, 'package.json')).version);
  }
  if (new Set(versions.values()).size !== 1) {
    problems.push(
      `the published packages are versioned apart: ${[...versions].map(([name, version]) => `${name}@${version}`).join(', ')}`,
    );
  }
  for (const [dir, before] of privateBefore) {
    if (before.private !== true) continue;
    const after = readJson<Manifest>(join(copy, dir, 'package.json'));
    if (after.version !== before.version || existsSync(join(copy, dir, 'CHANGELOG.md'))) {
      problems.push(`changeset version versioned ${before.name} (${dir}), a private package`);
    }
  }

  // The plan `changeset publish-plan` would write, for every published package: that command asks
  // the registry which versions exist, and this check must run without it.
  const plan = {
    version: 1,
    plan: [
      packages.map(({ name }) => ({
        kind: 'publish',
        name,
        version: versions.get(name),
        access: 'public',
        tag: 'latest',
      })),
    ],
  };
  writeFileSync(join(copy, 'publish-plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
  run(changeset, ['pack', '--from-publish-plan', 'publish-plan.json', '--out-dir', 'packed'], copy);
  const packed = readJson<{
    plan: { name: string; version: string; tarball?: { path: string } }[][];
  }>(join(copy, 'packed', 'publish-plan.json'));

  for (const release of packed.plan.flat()) {
    const pkg = packages.find(({ name }) => name === release.name);
    if (pkg === undefined || release.tarball === undefined) {
      problems.push(`changeset pack left ${release.name} unpacked`);
      continue;
    }
    const tarball = join(copy, 'packed', release.tarball.path);
    const { manifest, files } = unpack(tarball);
    const expected = { name: pkg.name, version: release.version, dir: pkg.dir, versions };
    for (const problem of manifestProblems(manifest, expected)) {
      problems.push(`${pkg.name}: the packed package.json ${problem}`);
    }
    for (const file of ['README.md', 'LICENSE']) {
      if (!files.has(file)) problems.push(`${pkg.name}: the tarball has no ${file}`);
    }
    // What `changeset publish --from-pack-dir packed` runs for each package, without uploading.
    const published = JSON.parse(
      run(
        'pnpm',
        [
          'publish',
          tarball,
          '--dry-run',
          '--json',
          '--access',
          'public',
          '--tag',
          'latest',
          '--no-git-checks',
        ],
        join(copy, pkg.dir),
      ),
    ) as { id?: string };
    if (published.id !== `${pkg.name}@${release.version}`) {
      problems.push(`${pkg.name}: pnpm publish --dry-run would publish ${published.id}`);
    }
  }
  const packedNames = new Set(packed.plan.flat().map(({ name }) => name));
  for (const { name } of packages) {
    if (!packedNames.has(name)) problems.push(`changeset pack did not pack ${name}`);
  }
  return { problems, version: [...versions.values()][0] };
}

function main(): number {
  const packages = publishedPackages();
  const tool = readJson<Manifest>(join(toolDir, 'package.json'));
  const problems = [
    ...[missingFromDevDependencies(packages, tool) ?? []].flat(),
    ...releaseConfigProblems(
      readJson<ChangesetsConfig>(join(repoRoot, '.changeset', 'config.json')),
      packages,
    ),
  ];
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    return 1;
  }
  const copy = mkdtempSync(join(tmpdir(), 'publish-dry-run-'));
  let version: string | undefined;
  try {
    copyWorkspace(copy, packages);
    const released = dryRun(copy, packages);
    problems.push(...released.problems);
    version = released.version;
  } finally {
    if (process.env.KEEP === '1') console.log(`The copy of the workspace is in ${copy}`);
    else rmSync(copy, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    console.error(`The release would not publish cleanly:\n${problems.join('\n')}`);
    return 1;
  }
  console.log(
    `A release now would publish ${packages.map(({ name }) => name).join(', ')} at ${version}: packed, with no workspace ranges, publishable with provenance (a dry run)`,
  );
  return 0;
}

process.exitCode = main();
