// Makes sure Debian's Chromium is here for the browser tests, installing it as `.ci/run` would,
// and hands its path to the tests. It never downloads a browser of its own (no
// `playwright install`): playwright-core drives the system's Chromium.
import { execFileSync } from 'node:child_process';
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
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    throw new Error(
      "The dashboard's browser tests need Debian's Chromium, and `chromium` is not on PATH. " +
        'Install it with `sudo apt-get install -y chromium` (the tests install it themselves ' +
        'when they run as root), then run the tests again. No browser is downloaded for them.',
    );
  }
  console.info('[dashboard tests] chromium is missing: installing Debian’s package with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env });
  const installed = findOnPath('chromium');
  if (installed === undefined) {
    throw new Error('apt-get installed chromium, but `chromium` is still not on PATH');
  }
  return installed;
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
