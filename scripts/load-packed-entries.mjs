// Loads every entry point of an installed package as its users do, with import() and with
// require(), and checks that both module systems export the same names. scripts/check-package.sh
// copies this file beside a node_modules holding the packed tarball and runs it on Node 22, the
// oldest Node the packages support: `node load-packed-entries.mjs <package name>`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const name = process.argv[2];
if (name === undefined) throw new Error('usage: node load-packed-entries.mjs <package name>');
const require = createRequire(import.meta.url);
const manifest = JSON.parse(
  readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8'),
);
const installedAt = new URL(`./node_modules/${name}/`, import.meta.url).pathname;

// What both module systems add on their own: not part of the package's API.
const interop = new Set(['default', '__esModule', 'module.exports']);
const names = (module) =>
  Object.keys(module)
    .filter((key) => !interop.has(key))
    .sort();

const problems = [];
const entries = Object.keys(manifest.exports ?? { '.': null }).filter(
  (subpath) => subpath !== './package.json',
);
for (const subpath of entries) {
  const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
  const file = require.resolve(specifier);
  if (!file.startsWith(installedAt)) {
    problems.push(`${specifier}: require() resolved to ${file}, outside the installed tarball`);
    continue;
  }
  const imported = names(await import(specifier));
  const required = names(require(specifier));
  if (imported.length === 0) problems.push(`${specifier}: exports nothing`);
  if (imported.join() !== required.join()) {
    problems.push(
      `${specifier}: import() gives ${imported.join(', ')}; require() gives ${required.join(', ')}`,
    );
  }
}

if (problems.length > 0) {
  console.error(`${name} on Node ${process.version}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `${name}: ${entries.length} entry point(s) load with import() and require() on Node ${process.version}`,
);
