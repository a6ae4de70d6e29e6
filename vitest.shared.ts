import { defineConfig, type ViteUserConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through this export condition, so tests
// never run against a stale build. Vite needs it for both its client and server resolvers.
const conditions = ['@tripswitch/source', 'module', 'node', 'import', 'default'];

/** The vitest configuration every package extends. */
export function packageTests(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@tripswitch/source'] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      restoreMocks: true,
      unstubGlobals: true,
      ...overrides,
    },
  });
}
