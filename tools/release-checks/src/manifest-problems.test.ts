import { describe, expect, it } from 'vitest';
import { type ExpectedRelease, manifestProblems } from './manifest-problems.ts';
import type { Manifest } from './published-packages.ts';

const expected: ExpectedRelease = {
  name: '@tripswitch/express',
  version: '0.2.0',
  dir: 'packages/express',
  versions: new Map([
    ['@tripswitch/core', '0.2.0'],
    ['@tripswitch/express', '0.2.0'],
  ]),
};

const good: Manifest = {
  name: '@tripswitch/express',
  version: '0.2.0',
  description: 'Circuit breakers for Express.',
  keywords: ['circuit-breaker'],
  license: 'MIT',
  homepage: 'https://github.com/owner/repo/tree/main/packages/express#readme',
  bugs: { url: 'https://github.com/owner/repo/issues' },
  repository: {
    type: 'git',
    url: 'git+https://github.com/owner/repo.git',
    directory: 'packages/express',
  },
  publishConfig: { access: 'public', provenance: true },
  dependencies: { '@tripswitch/core': '^0.2.0' },
  peerDependencies: { express: '^4.21.0 || ^5.0.0' },
  devDependencies: { express: '5.3.0' },
};

describe('manifestProblems', () => {
  it('finds nothing wrong with a manifest ready to publish', () => {
    expect(manifestProblems(good, expected)).toEqual([]);
  });

  it('finds a version left unreleased or different from the release', () => {
    expect(manifestProblems({ ...good, version: '0.0.0' }, expected)).toEqual([
      'has version 0.0.0, where 0.2.0 is released',
      'has version 0.0.0: no release was versioned',
    ]);
  });

  it('finds a workspace or catalog protocol left in any dependency field', () => {
    const manifest = {
      ...good,
      dependencies: { '@tripswitch/core': 'workspace:^' },
      devDependencies: { vitest: 'catalog:' },
    };
    expect(manifestProblems(manifest, expected)).toEqual([
      'keeps dependencies.@tripswitch/core as "workspace:^", which npm cannot install',
      'keeps devDependencies.vitest as "catalog:", which npm cannot install',
    ]);
  });

  it('finds a sibling package depended on at another version than the one released with it', () => {
    const manifest = { ...good, dependencies: { '@tripswitch/core': '^0.1.0' } };
    expect(manifestProblems(manifest, expected)).toEqual([
      'depends on @tripswitch/core@"^0.1.0", not on 0.2.0, the version released with it',
    ]);
  });

  it('finds missing metadata, and a repository provenance cannot match', () => {
    const { description: _, bugs: __, ...bare } = good;
    const manifest = {
      ...bare,
      keywords: [],
      repository: { type: 'git', url: 'https://example.com/repo', directory: 'packages/other' },
      publishConfig: { access: 'public' },
    };
    expect(manifestProblems(manifest, expected)).toEqual([
      'has no description',
      'has no keywords',
      'has no bugs.url',
      expect.stringMatching(/^has repository\.url "https:\/\/example\.com\/repo", not git\+https/),
      'has repository.directory "packages/other", not "packages/express"',
      'is not published with provenance',
    ]);
  });
});
