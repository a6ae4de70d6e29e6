import { defaultClientConditions, defaultExternalConditions, defaultServerConditions } from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through this export condition, so tests
// never run against a stale build. It is added to Vite's defaults and nothing else: Vitest hands
// the server conditions to Node as --conditions, and extra ones such as `import` would make
// require() inside CommonJS dependencies load their ESM files.
const source = '@tripswitch/source';

// No test waits on time to pass or fail; the limit only catches a hang, and must not trip when
// CI runs every package's tests at once on a small machine.
const testTimeout = 30_000;

/** The vitest configuration every package extends. */
export function packageTests(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: [source, ...defaultClientConditions] },
    ssr: {
      resolve: {
        conditions: [source, ...defaultServerConditions],
        externalConditions: [source, ...defaultExternalConditions],
      },
    },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      restoreMocks: true,
      testTimeout,
      unstubGlobals: true,
      ...overrides,
    },
  });
}

/**
 * The vitest configuration of the apps and tools. No source condition: an app runs against the
 * packages' builds, as its users would.
 */
export function appTests(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout, ...overrides },
  });
}
