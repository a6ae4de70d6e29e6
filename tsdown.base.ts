import { defineConfig, type UserConfig } from 'tsdown';

/**
 * The one build every published package shares: ESM and CommonJS with type declarations for
 * each, source maps, and no bundled dependencies. A package passes only what differs (its
 * entries), so the packages cannot drift apart.
 */
export function packageBuild(overrides: UserConfig = {}): UserConfig {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    platform: 'neutral',
    target: 'es2022',
    tsconfig: 'tsconfig.build.json',
    ...overrides,
  });
}
