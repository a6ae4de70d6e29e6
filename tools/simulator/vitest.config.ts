import { appTests } from '../../vitest.shared.ts';

// The simulations are CPU-bound; on a loaded machine (CI runs every package at once) a long one
// can take several times its usual few seconds. The limit only catches a run that hangs.
export default appTests({ testTimeout: 60_000 });
