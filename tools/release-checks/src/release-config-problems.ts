import type { PublishedPackage } from './published-packages.ts';

/** The fields of .changeset/config.json the release depends on. */
export interface ChangesetsConfig {
  readonly fixed?: readonly (readonly string[])[];
  readonly privatePackages?: boolean | { readonly version?: boolean; readonly tag?: boolean };
}

/**
 * What is wrong with the changesets configuration for releasing `packages` together (empty when
 * nothing is): the fixed group must list exactly the published packages, so that they share one
 * version and no private package (an app, a test tool) is versioned with them.
 */
export function releaseConfigProblems(
  config: ChangesetsConfig,
  packages: readonly PublishedPackage[],
): string[] {
  const problems: string[] = [];
  const groups = config.fixed ?? [];
  if (groups.length !== 1) {
    problems.push(
      `.changeset/config.json has ${groups.length} fixed groups, where one lists every published package`,
    );
  }
  const listed = new Set(groups.flat());
  const published = new Set(packages.map(({ name }) => name));
  const missing = [...published].filter((name) => !listed.has(name));
  const extra = [...listed].filter((name) => !published.has(name));
  if (missing.length > 0) {
    problems.push(
      `.changeset/config.json's fixed group lacks ${missing.join(', ')}, published from packages/: add ${missing.length === 1 ? 'it' : 'them'}`,
    );
  }
  if (extra.length > 0) {
    problems.push(
      `.changeset/config.json's fixed group lists ${extra.join(', ')}, which ${extra.length === 1 ? 'is' : 'are'} not published from packages/ (a glob, a private package, a package since removed): list the published packages by name`,
    );
  }
  const versionsPrivate =
    config.privatePackages === true ||
    (typeof config.privatePackages === 'object' && config.privatePackages.version === true);
  if (versionsPrivate) {
    problems.push('.changeset/config.json versions private packages (privatePackages.version)');
  }
  return problems;
}
