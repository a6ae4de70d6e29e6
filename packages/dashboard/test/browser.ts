import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { inject } from 'vitest';

/**
 * The flags Debian's Chromium needs on a machine with a closed network: without the
 * background-networking ones it keeps trying to reach Google's hosts.
 */
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a fresh, empty profile (--user-data-dir), removed on close. */
export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches the system's Chromium (found by the global setup) through playwright-core. */
export async function launchChromium(): Promise<Chromium> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'tripswitch-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: inject('chromiumPath'),
    headless: true,
    args: chromiumFlags,
    viewport: { width: 1200, height: 590 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
