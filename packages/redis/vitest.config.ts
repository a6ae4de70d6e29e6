import { packageTests } from '../../vitest.shared.ts';

export default packageTests({
  // Starts one real redis-server on a free port for every test file (installing Debian's package
  // when it is missing and the run is root), and stops it by its PID at the end.
  globalSetup: ['test/global-setup.ts'],
  // The files measure propagation delays and run a soak across processes: one at a time, so that
  // they do not compete for the machine with each other.
  fileParallelism: false,
  testTimeout: 30_000,
  hookTimeout: 30_000,
});
