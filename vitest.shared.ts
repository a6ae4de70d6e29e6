import { existsSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import {
  defaultClientConditions,
  defaultExternalConditions,
  defaultServerConditions,
  type Plugin,
} from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through this export condition, so tests
// never run against a stale build. It is added to Vite's defaults and nothing else: Vitest hands
// the server conditions to Node as --conditions, and extra ones such as `import` would make
// require() inside CommonJS dependencies load their ESM files.
const source = '@tripswitch/source';

// Set by scripts/test-built.sh (the `test:node22` task): the packages' tests then run against
// what is published, the builds in dist/, on the oldest Node the packages support.
const againstBuilds = process.env.TRIPSWITCH_TEST_BUILDS === '1';

/**
 * No test waits on time to pass or fail: these limits only catch a hang. They are far above what
 * any test or hook takes on a quiet machine, because a busy one (a shared CI runner, every
 * package's tests at once on two cores, scripts/test-under-load.sh) makes work many times slower,
 * and a limit that trips then says nothing about the code.
 */
export const hangLimits = {
  testTimeout: 120_000,
  hookTimeout: 120_000,
  teardownTimeout: 120_000,
} as const;

// Set by scripts/test-under-load.sh (or by hand): every server a test starts on port 0 takes the port one
// closed earlier in its process (see vitest.recycle-ports.ts).
const recyclePorts = process.env.TRIPSWITCH_RECYCLE_PORTS === '1';

const ioTurn = new URL('./vitest.io-turn.ts', import.meta.url).pathname;

/** `test`, with our setup files first: vitest.io-turn.ts, and the port recycler when asked. */
function withSetup(test: NonNullable<ViteUserConfig['test']>): NonNullable<ViteUserConfig['test']> {
  const own = test.setupFiles === undefined ? [] : [test.setupFiles].flat();
  const ours = recyclePorts
    ? [ioTurn, new URL('./vitest.recycle-ports.ts', import.meta.url).pathname]
    : [ioTurn];
  return { ...test, setupFiles: [...ours, ...own] };
}

/**
 * The vitest configuration every package extends. With `TRIPSWITCH_TEST_BUILDS=1` the workspace
 * packages resolve to their builds, and so do the package's own entry points where its
 * integration tests (outside `src/`) import them as `../src/index.ts`; the unit tests beside the
 * code keep testing the modules they import.
 */
export function packageTests(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  const conditions = againstBuilds ? [] : [source];
  return defineConfig({
    plugins: againstBuilds ? [builtEntryPoints(process.cwd())] : [],
    resolve: { conditions: [...conditions, ...defaultClientConditions] },
    ssr: {
      resolve: {
        conditions: [...conditions, ...defaultServerConditions],
        externalConditions: [...conditions, ...defaultExternalConditions],
      },
    },
    test: withSetup({
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      restoreMocks: true,
      ...hangLimits,
      unstubGlobals: true,
      // Transformed modules cached on disk carry the imports as they were resolved; a run
      // against the builds resolves them differently, so it neither reads nor writes that cache.
      ...(againstBuilds ? { fsModuleCache: false } : {}),
      ...overrides,
    }),
  });
}

/**
 * The vitest configuration of the apps and tools. No source condition: an app runs against the
 * packages' builds, as its users would.
 */
export function appTests(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    test: withSetup({
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      ...hangLimits,
      ...overrides,
    }),
  });
}

/**
 * Points imports of the package's own entry points (the `@tripswitch/source` targets of its
 * `exports`) at their ESM builds, for importers outside `src/`.
 */
function builtEntryPoints(packageDir: string): Plugin {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    exports?: Record<string, unknown>;
  };
  const builds = new Map<string, string>();
  for (const target of Object.values(manifest.exports ?? {})) {
    if (typeof target !== 'object' || target === null) continue;
    const entry = (target as Record<string, unknown>)[source];
    const built = (target as { import?: { default?: unknown } }).import?.default;
    if (typeof entry === 'string' && typeof built === 'string') {
      builds.set(resolve(packageDir, entry), resolve(packageDir, built));
    }
  }
  const sources = join(packageDir, 'src') + sep;
  return {
    name: 'tripswitch:built-entry-points',
    enforce: 'pre',
    async resolveId(id, importer, options) {
      if (!id.startsWith('.') || importer === undefined || importer.startsWith(sources)) {
        return null;
      }
      const resolved = await this.resolve(id, importer, { ...options, skipSelf: true });
      const built = resolved && builds.get(resolved.id);
      if (!built) return null;
      if (!existsSync(built)) {
        throw new Error(
          `${built} is missing: build the package first (turbo builds it before test:node22)`,
        );
      }
      return built;
    },
  };
}
