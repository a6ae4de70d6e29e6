// Runs an ES module script in a Node.js process of its own, for guarantees only a whole process
// shows: that it exits by itself, or what it reports as an unhandled rejection.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

/** The core's entry point, for a script to import (Node.js strips its types). */
export const coreEntry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

/**
 * Runs `script` with the running Node.js and resolves, once the process has exited, with what it
 * wrote to stdout and stderr and its exit code. A process still running when the test ends (a
 * leaked timer that keeps it alive makes the test hit its hang limit) is killed.
 */
export async function runModuleScript(
  script: string,
): Promise<{ output: string; code: number | null }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill();
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { output, code };
}
