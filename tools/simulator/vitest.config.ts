import { appTests } from '../../vitest.shared.ts';

// The simulations are CPU-bound: on a loaded machine a long one takes many times its usual few
// seconds, which the shared limits (hangLimits) allow for.
export default appTests();
