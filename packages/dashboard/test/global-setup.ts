// Finds the system's Chromium for the browser tests and hands its path to them. It installs
// nothing and never downloads a browser of its own (no `playwright install`): playwright-core
// drives the system's Chromium, which `npm test` installs first (scripts/system-packages.sh).
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium executable the browser tests launch. */
    chromiumPath: string;
  }
}

export function setup(project: TestProject): void {
  project.provide('chromiumPath', ensureChromium());
}

function ensureChromium(): string {
  const found = findOnPath('chromium');
  if (found !== undefined) return found;
  throw new Error(
    "The dashboard's browser tests need the system's Chromium, and `chromium` is not on PATH. " +
      'Install it with `bash scripts/system-packages.sh chromium` from the repository (as root ' +
      'it runs `apt-get install -y chromium`; otherwise it prints the command to run), or ' +
      '`sudo apt-get install -y chromium`, then run the tests again. `npm test` installs it ' +
      'first. No browser is downloaded for them.',
  );
}

/** What `which` would print: the first executable of that name on PATH. */
function findOnPath(command: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}
