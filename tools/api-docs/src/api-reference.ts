import { Application, type ProjectReflection, type TypeDocOptions } from 'typedoc';
import type { PackageEntry } from './package-entries.ts';

/** Where the reference's source links point. */
const repository = 'https://github.com/tripswitch-js/tripswitch';

/**
 * Builds the API reference of `entries` into `out` with TypeDoc: one module per entry point,
 * named as users import it, in one program, so that a link to or a re-export of another
 * package's symbol resolves to its one page. Every TypeDoc warning counts as an error — an export
 * or a member without documentation (in `packages`), a broken `{@link}`, a type the reference
 * leaves out — and the reference is written only when there is none.
 *
 * @returns whether TypeDoc had nothing to warn about; it logs what it found.
 */
export async function buildApiReference(options: {
  readonly entries: readonly PackageEntry[];
  /** The packages whose symbols must be documented. */
  readonly packages: readonly string[];
  /** The tsconfig.json of the program. */
  readonly tsconfig: string;
  /** The repository's root: source links are relative to it. */
  readonly basePath: string;
  readonly out: string;
}): Promise<boolean> {
  const settings: TypeDocOptions = {
    name: 'Tripswitch',
    entryPoints: options.entries.map(({ source }) => source),
    entryPointStrategy: 'resolve',
    alwaysCreateEntryPointModule: true,
    tsconfig: options.tsconfig,
    treatWarningsAsErrors: true,
    validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: true },
    // TypeDoc asks for documentation only in the package it runs in, unless told which.
    packagesRequiringDocumentation: [...options.packages],
    excludePrivate: true,
    excludeInternal: true,
    readme: 'none',
    disableGit: true,
    sourceLinkTemplate: `${repository}/blob/main/{path}#L{line}`,
    basePath: options.basePath,
    logLevel: 'Warn',
  };
  const app = await Application.bootstrapWithPlugins(settings);
  const project = await app.convert();
  if (project === undefined) return false;
  nameModules(project, options.entries);
  app.validate(project);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) return false;
  await app.generateDocs(project, options.out);
  return !app.logger.hasErrors() && !app.logger.hasWarnings();
}

/** Names each entry point's module as users import it: `@tripswitch/core/http`, not `http`. */
function nameModules(project: ProjectReflection, entries: readonly PackageEntry[]): void {
  for (const module of project.children ?? []) {
    const file = module.sources?.[0]?.fullFileName;
    const entry = entries.find(({ source }) => source === file);
    if (entry !== undefined) module.name = entry.specifier;
  }
}
