import { appTests } from '../../vitest.shared.ts';

// No source condition: the runtimes load the packages' builds, as a user's would.
export default appTests();
