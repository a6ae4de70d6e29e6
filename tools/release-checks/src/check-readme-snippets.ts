// Compiles every TypeScript example of the READMEs (the root's, CONTRIBUTING's and each
// published package's) against the built packages, resolved through their `exports` as a user's
// project resolves them, so an example that no longer compiles fails the test command.
// `KEEP=1` keeps the projects it writes, and prints where.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { compileSnippets } from './compile-snippets.ts';
import { extractSnippets, type Snippet } from './markdown-snippets.ts';
import {
  type Manifest,
  missingFromDevDependencies,
  type PublishedPackage,
  publishedPackages,
  repoRoot,
} from './published-packages.ts';

const toolDir = new URL('../', import.meta.url).pathname;

/** A README and what its examples may use. */
interface Readme {
  /** Relative to the repository's root. */
  readonly path: string;
  /** Names the declarations of its examples' free names: readme-globals/<id>.d.ts. */
  readonly id: string;
  /** Directories whose node_modules hold the libraries its examples import, first first. */
  readonly libraryDirs: readonly string[];
}

function readmesOf(packages: readonly PublishedPackage[]): Readme[] {
  // The packages' own node_modules hold the libraries they adapt, at the versions they are tested
  // with; this tool's, the few an example imports that no package needs (an exporter, say).
  const everyPackage = packages.map(({ dir }) => join(repoRoot, dir));
  const readmes: Readme[] = [
    { path: 'README.md', id: 'root', libraryDirs: [...everyPackage, toolDir] },
    { path: 'CONTRIBUTING.md', id: 'contributing', libraryDirs: [...everyPackage, toolDir] },
  ];
  for (const { dir } of packages) {
    const own = join(repoRoot, dir);
    readmes.push({
      path: `${dir}/README.md`,
      id: basename(dir),
      libraryDirs: [own, ...everyPackage.filter((other) => other !== own), toolDir],
    });
  }
  return readmes.filter(({ path }) => existsSync(join(repoRoot, path)));
}

function main(): number {
  const packages = publishedPackages();
  const tool = JSON.parse(readFileSync(join(toolDir, 'package.json'), 'utf8')) as Manifest;
  const missing = missingFromDevDependencies(packages, tool);
  if (missing !== undefined) {
    console.error(missing);
    return 1;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'readme-snippets-'));
  const failures: string[] = [];
  let compiled = 0;
  let skipped = 0;
  try {
    for (const readme of readmesOf(packages)) {
      let snippets: Snippet[];
      try {
        snippets = extractSnippets(readFileSync(join(repoRoot, readme.path), 'utf8'));
      } catch (error) {
        failures.push(`${readme.path}: ${(error as Error).message}`);
        continue;
      }
      const checked = snippets.filter((snippet) => snippet.skipped === undefined);
      skipped += snippets.length - checked.length;
      if (checked.length === 0) continue;
      const globals = join(toolDir, 'readme-globals', `${readme.id}.d.ts`);
      failures.push(
        ...compileSnippets({
          path: readme.path,
          snippets: checked,
          globals: existsSync(globals) ? globals : undefined,
          dir: join(workDir, readme.id),
          packages,
          repoRoot,
          libraryDirs: readme.libraryDirs,
        }),
      );
      compiled += checked.length;
    }
  } finally {
    if (process.env.KEEP === '1') console.log(`The snippet projects are in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.error(
      `README examples that do not compile against the built packages:\n${failures.join('\n')}`,
    );
    return 1;
  }
  console.log(
    `${compiled} README examples compile against the built packages${skipped > 0 ? ` (${skipped} skipped by a marker)` : ''}`,
  );
  return 0;
}

process.exitCode = main();
