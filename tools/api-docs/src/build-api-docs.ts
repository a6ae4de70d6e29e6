// Builds the API reference of every published package from its TSDoc, with TypeDoc, into
// docs/api/ (git-ignored), and fails on any TypeDoc warning — an export or member without
// documentation among them — so the reference cannot fall behind the code.
import { join } from 'node:path';
import { buildApiReference } from './api-reference.ts';
import { documentedPackages } from './package-entries.ts';

const repoRoot = new URL('../../../', import.meta.url).pathname;
const packages = documentedPackages(repoRoot);
const entries = packages.flatMap((pkg) => pkg.entries);
const built = await buildApiReference({
  entries,
  packages: packages.map(({ name }) => name),
  tsconfig: new URL('../tsconfig.docs.json', import.meta.url).pathname,
  basePath: repoRoot,
  out: join(repoRoot, 'docs', 'api'),
});
if (built) {
  console.log(
    `API reference of ${entries.map(({ specifier }) => specifier).join(', ')} in docs/api/`,
  );
} else {
  console.error('TypeDoc warned about the TSDoc above: document what it names, or fix the link');
  process.exitCode = 1;
}
