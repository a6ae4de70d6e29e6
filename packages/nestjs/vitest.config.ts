import { packageTests } from '../../vitest.shared.ts';

// The suites under test/ start Nest over HTTP: they run on both of its platforms (test/nest-app.ts
// reads `platform`). The unit tests beside the code, and the CommonJS suite (module loading in a
// consumer's project, the same on either platform), run once.
export default packageTests({
  projects: [
    { test: { name: 'express', provide: { platform: 'express' } } },
    {
      test: {
        name: 'fastify',
        provide: { platform: 'fastify' },
        // Added to the inherited lists, as vitest 5 merges a project's arrays with its parent's.
        exclude: ['src/**', 'test/commonjs.test.ts'],
      },
    },
  ],
});
