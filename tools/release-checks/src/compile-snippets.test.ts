import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileSnippets } from './compile-snippets.ts';
import { publishedPackages, repoRoot } from './published-packages.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function compile(snippets: { line: number; code: string }[], globals?: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'compile-snippets-test-'));
  dirs.push(dir);
  let globalsFile: string | undefined;
  if (globals !== undefined) {
    globalsFile = join(dir, 'test-globals.d.ts');
    writeFileSync(globalsFile, globals);
  }
  return compileSnippets({
    path: 'README.md',
    snippets,
    globals: globalsFile,
    dir: join(dir, 'project'),
    packages: publishedPackages(),
    repoRoot,
    libraryDirs: [join(repoRoot, 'packages/core')],
  });
}

describe('compileSnippets', () => {
  it('compiles examples that use the packages as published', () => {
    const snippet = [
      "import { CircuitBreaker } from '@tripswitch/core';",
      "const breaker = new CircuitBreaker({ name: 'inventory' });",
      'await breaker.execute(async () => 1);',
    ].join('\n');
    expect(compile([{ line: 10, code: snippet }])).toEqual([]);
  });

  it('points each error at the line and column of the Markdown file', () => {
    const errors = compile([
      { line: 5, code: 'const n: number = 1;' },
      {
        line: 40,
        code: "import { isAbortError } from '@tripswitch/core';\n\nconst s: string = 2;",
      },
    ]);
    expect(errors).toEqual([
      expect.stringMatching(/^README\.md:40:10 error TS2305: .*isAbortError/),
      expect.stringMatching(/^README\.md:42:7 error TS2322: /),
    ]);
  });

  it('resolves a package through its exports, as a user does: its sources are not importable', () => {
    const errors = compile([
      { line: 3, code: "import { CircuitBreaker } from '@tripswitch/core/src/index.ts';" },
    ]);
    expect(errors).toEqual([expect.stringMatching(/^README\.md:3:32 error TS2307: /)]);
  });

  it('gives the free names of the globals to every example, and points at their own errors', () => {
    const globals = [
      "import type { CircuitBreaker } from '@tripswitch/core';",
      'declare global {',
      '  const breaker: CircuitBreaker;',
      '  const broken: NoSuchType;',
      '}',
    ].join('\n');
    const errors = compile([{ line: 1, code: 'breaker.isolate();\nbroken;' }], globals);
    expect(errors).toEqual([
      expect.stringMatching(/test-globals\.d\.ts:4:17 error TS2304: .*NoSuchType/),
    ]);
  });
});
