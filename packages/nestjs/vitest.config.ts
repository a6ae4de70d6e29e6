import { packageTests } from '../../vitest.shared.ts';

const config = packageTests();
// Vitest hands ssr.resolve.conditions to Node as --conditions, so the shared list's `import` and
// `module` make require() inside CommonJS dependencies load their ESM files: Express 5's router
// gets is-promise's index.mjs and every handler call throws. Vite adds import/require itself.
// Remove this override once vitest.shared.ts keeps only the source condition for SSR.
config.ssr = {
  ...config.ssr,
  resolve: { ...config.ssr?.resolve, conditions: ['@tripswitch/source', 'node'] },
};

export default config;
