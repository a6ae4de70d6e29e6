import { packageTests } from '../../vitest.shared.ts';

// The suite runs twice: against the current grpc-js, and against the oldest the peer range
// claims (the `grpc-js-oldest` alias; test/support/grpc.ts loads the copy the variable names).
export default packageTests({
  // Interceptors with bugs (test/support/neighbours.ts) throw inside grpc-js's event handlers,
  // where nothing catches them: uncaught, as in an application. Those alone are expected.
  onUnhandledError: (error) => error.name !== 'NeighbourBug',
  projects: [
    { extends: true, test: { name: 'grpc-js current' } },
    {
      extends: true,
      test: {
        name: 'grpc-js oldest',
        include: ['test/**/*.test.ts'],
        env: { TRIPSWITCH_GRPC_JS: 'grpc-js-oldest' },
      },
    },
  ],
});
