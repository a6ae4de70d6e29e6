import type { Manifest } from './published-packages.ts';

/** What a published manifest must say, besides what publint checks. */
export interface ExpectedRelease {
  readonly name: string;
  readonly version: string;
  /** The package's directory in the repository: `packages/core`. */
  readonly dir: string;
  /** The version each published package of the workspace is released at. */
  readonly versions: ReadonlyMap<string, string>;
}

const dependencyFields = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
] as const;

const semver = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const githubRepository = /^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/;

/**
 * What is wrong with the package.json of a packed package about to be published, as a list of
 * sentences (empty when nothing is): its version, a workspace or catalog protocol left in its
 * dependencies, a sibling package depended on at another version than the one released with it,
 * and the metadata npm shows and provenance needs.
 */
export function manifestProblems(manifest: Manifest, expected: ExpectedRelease): string[] {
  const problems: string[] = [];
  if (manifest.name !== expected.name) problems.push(`is named ${manifest.name}`);
  if (manifest.version !== expected.version) {
    problems.push(`has version ${manifest.version}, where ${expected.version} is released`);
  }
  if (!semver.test(manifest.version) || manifest.version === '0.0.0') {
    problems.push(`has version ${manifest.version}: no release was versioned`);
  }
  for (const field of dependencyFields) {
    const ranges = manifest[field];
    if (ranges === undefined) continue;
    for (const [dependency, range] of Object.entries(ranges as Record<string, string>)) {
      if (/^(workspace|catalog):/.test(range)) {
        problems.push(`keeps ${field}.${dependency} as "${range}", which npm cannot install`);
        continue;
      }
      const released = expected.versions.get(dependency);
      if (field !== 'devDependencies' && released !== undefined) {
        if (![released, `^${released}`, `~${released}`].includes(range)) {
          problems.push(
            `depends on ${dependency}@"${range}", not on ${released}, the version released with it`,
          );
        }
      }
    }
  }
  for (const field of ['description', 'license', 'homepage'] as const) {
    if (typeof manifest[field] !== 'string' || manifest[field] === '') {
      problems.push(`has no ${field}`);
    }
  }
  const keywords = manifest.keywords;
  if (!Array.isArray(keywords) || keywords.length === 0) problems.push('has no keywords');
  const bugs = manifest.bugs as { url?: unknown } | undefined;
  if (typeof bugs?.url !== 'string') problems.push('has no bugs.url');
  const repository = manifest.repository as { url?: unknown; directory?: unknown } | undefined;
  if (typeof repository?.url !== 'string' || !githubRepository.test(repository.url)) {
    problems.push(
      `has repository.url ${JSON.stringify(repository?.url)}, not git+https://github.com/<owner>/<name>.git, which npm provenance checks against the repository that built it`,
    );
  }
  if (repository?.directory !== expected.dir) {
    problems.push(
      `has repository.directory ${JSON.stringify(repository?.directory)}, not "${expected.dir}"`,
    );
  }
  const publishConfig = manifest.publishConfig as
    | { access?: unknown; provenance?: unknown }
    | undefined;
  if (publishConfig?.access !== 'public') problems.push('is not published with access public');
  if (publishConfig?.provenance !== true) problems.push('is not published with provenance');
  return problems;
}
