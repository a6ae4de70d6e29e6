import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { hangLimits } from '../../vitest.shared.ts';

// @tripswitch/nestjs is linked from packages/nestjs, so its own imports of Nest would resolve
// from there, to the Nest 12 it is developed with. dedupe resolves them from this app instead.
// The plugin checks the outcome: it fails any import of a @nestjs package that resolves to
// another Nest than 11, and any import of a @tripswitch package that is not its build (there
// is no @tripswitch/source condition here: the packages are checked as they are published).
const nest = [
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/platform-express',
  '@nestjs/terminus',
  '@nestjs/testing',
];

function builtPackagesOnNest11(): Plugin {
  return {
    name: 'built-packages-on-nest-11',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      const isNest = source.startsWith('@nestjs/');
      if (!isNest && !source.startsWith('@tripswitch/')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (resolved === null) return null;
      const expected = isNest ? /[\\/]@nestjs\+[\w-]+@11\./ : /[\\/]dist[\\/][^\\/]+\.js$/;
      if (!expected.test(resolved.id)) {
        throw new Error(
          `${source}, imported by ${importer}, resolved to ${resolved.id}: ${isNest ? 'not Nest 11' : 'not the build'}`,
        );
      }
      return resolved;
    },
  };
}

export default defineConfig({
  plugins: [builtPackagesOnNest11()],
  resolve: { dedupe: [...nest, 'rxjs', 'reflect-metadata'] },
  test: {
    include: ['test/**/*.test.ts'],
    restoreMocks: true,
    ...hangLimits,
  },
});
