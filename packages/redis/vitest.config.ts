import { packageTests } from '../../vitest.shared.ts';

export default packageTests({
  // Starts one real redis-server on a free port for every test file, and stops it by its PID at
  // the end (it installs nothing: scripts/system-packages.sh does, before `npm test`).
  globalSetup: ['test/global-setup.ts'],
  // The files measure propagation delays and run a soak across processes: one at a time, so that
  // they do not compete for the machine with each other.
  fileParallelism: false,
});
