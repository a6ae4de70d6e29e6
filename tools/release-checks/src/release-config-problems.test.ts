import { describe, expect, it } from 'vitest';
import type { PublishedPackage } from './published-packages.ts';
import { releaseConfigProblems } from './release-config-problems.ts';

const packages = ['@tripswitch/core', '@tripswitch/express'].map(
  (name): PublishedPackage => ({
    name,
    dir: `packages/${name.slice('@tripswitch/'.length)}`,
    manifest: { name, version: '0.0.0' },
  }),
);

describe('releaseConfigProblems', () => {
  it('accepts one fixed group of exactly the published packages, private ones not versioned', () => {
    const config = {
      fixed: [['@tripswitch/express', '@tripswitch/core']],
      privatePackages: { version: false, tag: false },
    };
    expect(releaseConfigProblems(config, packages)).toEqual([]);
  });

  it('names a published package the group lacks, and what it lists beyond them', () => {
    expect(releaseConfigProblems({ fixed: [['@tripswitch/core']] }, packages)).toEqual([
      expect.stringMatching(/lacks @tripswitch\/express, published from packages\/: add it$/),
    ]);
    expect(
      releaseConfigProblems(
        { fixed: [['@tripswitch/*', '@tripswitch/core', '@tripswitch/express']] },
        packages,
      ),
    ).toEqual([expect.stringMatching(/lists @tripswitch\/\*, which is not published/)]);
  });

  it('refuses no group, several groups, and versioned private packages', () => {
    expect(releaseConfigProblems({}, packages)).toEqual([
      expect.stringMatching(/has 0 fixed groups/),
      expect.stringMatching(/lacks @tripswitch\/core, @tripswitch\/express/),
    ]);
    const split = { fixed: [['@tripswitch/core'], ['@tripswitch/express']], privatePackages: true };
    expect(releaseConfigProblems(split, packages)).toEqual([
      expect.stringMatching(/has 2 fixed groups/),
      expect.stringMatching(/versions private packages/),
    ]);
  });
});
