import { defineConfig } from 'vitest/config';

// The simulations are CPU-bound; on a loaded machine (CI runs every package at once) a long one
// can take several times its usual few seconds. The limit only catches a run that hangs.
export default defineConfig({ test: { include: ['src/**/*.test.ts'], testTimeout: 60_000 } });
