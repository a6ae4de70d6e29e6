import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApiReference } from './api-reference.ts';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Builds the reference of one entry point whose source is `code`, in a package of its own. */
async function build(code: string): Promise<{ built: boolean; out: string }> {
  const root = mkdtempSync(join(tmpdir(), 'api-reference-test-'));
  roots.push(root);
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@tripswitch/example' }));
  writeFileSync(join(root, 'src', 'index.ts'), code);
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', types: [] } }),
  );
  const out = join(root, 'api');
  // TypeDoc logs its warnings; what matters here is that they fail the build.
  vi.spyOn(console, 'log').mockImplementation(() => {});
  const built = await buildApiReference({
    entries: [{ specifier: '@tripswitch/example', source: join(root, 'src', 'index.ts') }],
    packages: ['@tripswitch/example'],
    tsconfig: join(root, 'tsconfig.json'),
    basePath: root,
    out,
  });
  return { built, out };
}

describe('buildApiReference', () => {
  it('writes the reference of documented exports, a module named as users import it', async () => {
    const { built, out } = await build(
      '/** Adds one. */\nexport function increment(n: number): number {\n  return n + 1;\n}\n',
    );
    expect(built).toBe(true);
    expect(readdirSync(join(out, 'functions'))).toEqual(['_tripswitch_example.increment.html']);
  });

  it('fails, and writes nothing, when an export or a member has no documentation', async () => {
    const undocumentedExport = await build('export const limit = 3;\n');
    expect(undocumentedExport.built).toBe(false);
    expect(existsSync(undocumentedExport.out)).toBe(false);

    const undocumentedMember = await build(
      '/** Options. */\nexport interface Options {\n  size: number;\n}\n',
    );
    expect(undocumentedMember.built).toBe(false);
  });

  it('fails on a link to nothing', async () => {
    const { built } = await build('/** Like {@link nowhere}. */\nexport const limit = 3;\n');
    expect(built).toBe(false);
  });
});
