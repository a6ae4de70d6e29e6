// Type-checks consumers of the packed packages, as users receive them: every published package is
// packed, unpacked into a consumer project's node_modules beside the libraries it adapts, and
// compiled with skipLibCheck off by each TypeScript of the matrix, in each module resolution.
// A failure prints the compiler's output and exits 1. The `test` task runs it after every
// package's build. KEEP=1 keeps the consumer project; ONLY=<text> runs the compilations whose
// label contains the text.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { installPackages } from './install-packages.ts';
import { type Compiler, compilers } from './matrix.ts';
import { type ConsumerFile, type Mode, writeModes } from './modes.ts';
import { packPackages } from './pack-packages.ts';

const toolDir = join(import.meta.dirname, '..');
const consumersDir = join(import.meta.dirname, 'consumers');

const work = mkdtempSync(join(tmpdir(), 'tripswitch-consumer-types-'));
let failed = false;
try {
  const packed = packPackages(join(toolDir, '..', '..'), join(work, 'packs'));
  checkEveryPackageIsBuiltFirst(packed.map((pkg) => pkg.name));
  const project = join(work, 'consumer');
  const installed = installPackages(project, toolDir, packed);
  const consumers = readConsumers();
  checkEveryEntryIsImported(
    installed.flatMap((pkg) => pkg.entries),
    consumers,
  );
  const dirs = writeModes(project, consumers);
  for (const compiler of compilers) {
    for (const [mode, dir] of dirs) {
      if (!compiler.modes.includes(mode.name)) continue;
      const label = `TypeScript ${compiler.version}, ${mode.label}`;
      if (process.env.ONLY !== undefined && !label.includes(process.env.ONLY)) continue;
      failed = !compile(compiler, label, dir) || failed;
    }
  }
} finally {
  if (process.env.KEEP) console.log(`consumer project kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;

/**
 * The consumer files. A file may name modes it is not written for on a line of its own:
 * `// skip: node10 (why)`.
 */
function readConsumers(): ConsumerFile[] {
  return readdirSync(consumersDir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => {
      const source = readFileSync(join(consumersDir, file), 'utf8');
      const skip = [...source.matchAll(/^\/\/ skip: ([a-z0-9-]+)/gm)].map(
        (match) => match[1] as Mode['name'],
      );
      return { name: basename(file, '.ts'), source, skip };
    });
}

/**
 * Fails when a published package is not a dependency of this tool: turbo builds a task's
 * dependencies first, so one left out could be packed with a stale or missing build.
 */
function checkEveryPackageIsBuiltFirst(names: readonly string[]): void {
  const { devDependencies = {} } = JSON.parse(
    readFileSync(join(toolDir, 'package.json'), 'utf8'),
  ) as { devDependencies?: Record<string, string> };
  const missing = names.filter((name) => devDependencies[name] !== 'workspace:*');
  if (missing.length > 0) {
    throw new Error(
      `add ${missing.map((name) => `"${name}": "workspace:*"`).join(', ')} to the devDependencies of tools/consumer-types, so that turbo builds it before this check`,
    );
  }
}

/** Fails when a package entry (a new package, a new subpath) has no consumer importing it. */
function checkEveryEntryIsImported(
  entries: readonly string[],
  consumers: readonly ConsumerFile[],
): void {
  const missing = entries.filter(
    (entry) => !consumers.some(({ source }) => source.includes(`from '${entry}'`)),
  );
  if (missing.length > 0) {
    throw new Error(
      `no file in tools/consumer-types/src/consumers imports ${missing.join(', ')}: add one that uses its main API`,
    );
  }
}

/** Runs one compiler on one mode's directory; prints one line, and the output on failure. */
function compile(compiler: Compiler, label: string, dir: string): boolean {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [compiler.tsc, '-p', join(dir, 'tsconfig.json'), ...compiler.args],
    { encoding: 'utf8' },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const ok = run.status === 0;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label} (${seconds} s)`);
  if (!ok) console.log(`${run.stdout}${run.stderr}${run.error ?? ''}`);
  return ok;
}
