import { packageTests } from '../../vitest.shared.ts';

// Every suite runs on both of Nest's HTTP platforms (test/nest-app.ts reads `platform`). The
// CommonJS suite checks module loading in a consumer's project, the same on either: once.
export default packageTests({
  projects: [
    { test: { name: 'express', provide: { platform: 'express' } } },
    {
      test: {
        name: 'fastify',
        provide: { platform: 'fastify' },
        exclude: ['test/commonjs.test.ts'],
      },
    },
  ],
});
