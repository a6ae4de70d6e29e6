import { defineConfig } from 'vitest/config';

// No '@tripswitch/source' condition here, unlike the packages: the app runs against core's
// build, as its users would.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
  },
});
