import { defineConfig } from 'vitest/config';

// No '@tripswitch/source' condition here, unlike the packages: the app runs against the
// packages' builds, as its users would. Decorators are compiled as tsconfig.json says (legacy,
// with metadata), which is why it includes the tests.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
