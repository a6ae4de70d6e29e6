import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { documentedPackages } from './package-entries.ts';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A repository with a package directory per manifest. */
function repository(manifests: Record<string, object>): string {
  const root = mkdtempSync(join(tmpdir(), 'package-entries-test-'));
  roots.push(root);
  for (const [dir, manifest] of Object.entries(manifests)) {
    mkdirSync(join(root, 'packages', dir), { recursive: true });
    writeFileSync(join(root, 'packages', dir, 'package.json'), JSON.stringify(manifest));
  }
  return root;
}

const built = (source: string) => ({ '@tripswitch/source': source, default: './dist/x.js' });

describe('documentedPackages', () => {
  it('documents every entry of every published package, from the source of its export', () => {
    const root = repository({
      core: {
        name: '@tripswitch/core',
        exports: {
          '.': built('./src/index.ts'),
          './http': built('./src/http/index.ts'),
          './internal': built('./src/internal.ts'),
          './package.json': './package.json',
        },
      },
      demo: { name: 'demo', private: true, exports: { '.': built('./src/index.ts') } },
    });
    expect(documentedPackages(root)).toEqual([
      {
        name: '@tripswitch/core',
        dir: join(root, 'packages/core'),
        entries: [
          { specifier: '@tripswitch/core', source: join(root, 'packages/core/src/index.ts') },
          {
            specifier: '@tripswitch/core/http',
            source: join(root, 'packages/core/src/http/index.ts'),
          },
        ],
      },
    ]);
  });

  it('refuses an entry whose export does not name its source', () => {
    const root = repository({
      got: { name: '@tripswitch/got', exports: { '.': { default: './dist/index.js' } } },
    });
    expect(() => documentedPackages(root)).toThrow(
      '@tripswitch/got: the export "." has no "@tripswitch/source" condition naming its source',
    );
  });
});
