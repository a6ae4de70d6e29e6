import { copyFile, mkdir } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { BreakerRegistry, type Permit } from '@tripswitch/core';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { type DashboardOptions, dashboardHandler } from '../src/index.ts';
import { nameId } from '../src/snapshot.ts';
import { type Chromium, launchChromium } from './browser.ts';
import { serve } from './serve.ts';

const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));
const docsScreenshot = fileURLToPath(new URL('../../../docs/dashboard.png', import.meta.url));
const xss = '<img src=x onerror=alert(1)>';

let chromium: Chromium | undefined;
beforeAll(async () => {
  chromium = await launchChromium();
  await mkdir(artifacts, { recursive: true });
}, 60_000);
afterAll(async () => {
  await chromium?.close();
});

interface Opened {
  page: Page;
  /** The message of every dialog the page opened. */
  dialogs: string[];
}

/** Serves a dashboard of `registry` and opens it in a new tab, at the bare mount path. */
async function open(
  registry: BreakerRegistry,
  options: DashboardOptions,
  dialogs: 'dismiss' | 'accept' = 'dismiss',
): Promise<Opened> {
  const dashboard = dashboardHandler(registry, { basePath: '/breakers', ...options });
  const served = await serve((req, res) => dashboard(req, res));
  const page = await (chromium as Chromium).context.newPage();
  onTestFinished(() => page.close());
  const seen: string[] = [];
  page.on('dialog', (dialog) => {
    seen.push(dialog.message());
    void (dialogs === 'accept' ? dialog.accept() : dialog.dismiss());
  });
  await page.goto(`${served.url}/breakers`);
  return { page, dialogs: seen };
}

/** The card of the breaker named `name` (its heading holds the name). */
function card(page: Page, name: string): Locator {
  return page
    .locator('li.breaker')
    .filter({ has: page.getByRole('heading', { name, exact: true }) });
}

interface PageGlobals {
  document: { body: { dataset: Record<string, string | undefined> } };
}

/** Waits until the page has rendered at least `count` snapshots. */
async function updates(page: Page, count: number): Promise<void> {
  // The predicate runs in the page (a function: the page's CSP refuses strings to evaluate); this
  // package is not type-checked against the DOM, hence the cast.
  await page.waitForFunction(
    (n) => Number((globalThis as unknown as PageGlobals).document.body.dataset.updates) >= n,
    count,
  );
}

describe('the page in headless Chromium', { timeout: 30_000 }, () => {
  it('shows a breaker flip from closed to open when it trips', async ({ annotate }) => {
    const registry = new BreakerRegistry({
      defaults: { minimumCalls: 4, window: { type: 'count', size: 4 }, openDurationMs: 60_000 },
    });
    registry.get('inventory').tryAcquire()?.success();
    const payments = registry.get('payments');
    // A long interval: only the push on the state change can show the flip.
    const { page } = await open(registry, { intervalMs: 60_000 });
    const paymentsCard = card(page, 'payments');
    await paymentsCard.and(page.locator('[data-state="closed"]')).waitFor();
    expect(await page.title()).toBe('Circuit breakers');
    expect(page.url()).toMatch(/\/breakers\/$/);

    for (let i = 0; i < 4; i++) payments.tryAcquire()?.failure(new Error('payments are down'));
    await paymentsCard.and(page.locator('[data-state="open"]')).waitFor();
    expect(await paymentsCard.locator('.state').textContent()).toBe('open');
    expect(await paymentsCard.locator('dd').first().textContent()).toBe('100 %');
    expect(await paymentsCard.getByText(/^\d+ s$|^1 min \d+ s$/).count()).toBe(1);
    expect(await card(page, 'inventory').getAttribute('data-state')).toBe('closed');
    expect(await page.locator('#summary').textContent()).toMatch(/^2 breakers · 1 open · /);

    const path = `${artifacts}breaker-opened.png`;
    await page.screenshot({ path, fullPage: true });
    await annotate('the page once payments opened', { path, contentType: 'image/png' });
  });

  it('renders a breaker named like markup as text', async () => {
    const registry = new BreakerRegistry();
    const quoted = `"quoted" & 'single' </li><b>bold</b>`;
    registry.get(xss);
    registry.get(quoted);
    const { page, dialogs } = await open(registry, { intervalMs: 100 });
    const heading = page.getByRole('heading', { name: xss, exact: true });
    await heading.waitFor();
    // Give any injected handler its chance: a few more snapshots rendered.
    await updates(page, 3);

    expect(await heading.textContent()).toBe(xss);
    expect(await heading.getAttribute('title')).toBe(xss);
    expect(await heading.isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: quoted, exact: true }).textContent()).toBe(
      quoted,
    );
    expect(await page.locator('#breakers img, #breakers b').count()).toBe(0);
    expect(await page.locator('li.breaker').count()).toBe(2);
    expect(dialogs).toEqual([]);
  });

  it('shows a long name cut short, and isolates that breaker by its whole name', async () => {
    const registry = new BreakerRegistry();
    const long = `/api/${'segment/'.repeat(500)}end`;
    // Two names alike in their first 120 characters: two cards, each acting on its own breaker.
    const twin = `${long}-twin`;
    registry.get(long);
    registry.get(twin);
    const { page } = await open(
      registry,
      { intervalMs: 60_000, controls: true, authorize: () => true },
      'accept',
    );
    await page.locator('li.breaker').nth(1).waitFor();
    const cut = `${long.slice(0, 119)}\u2026`;
    expect(await page.locator('h2.name').allTextContents()).toEqual([cut, cut]);
    await page.locator('li.breaker').nth(1).getByRole('button', { name: 'Isolate' }).click();
    await page
      .locator('li.breaker')
      .nth(1)
      .and(page.locator('[data-state="forced-open"]'))
      .waitFor();
    expect(registry.get(twin).state).toBe('forced-open');
    expect(registry.get(long).state).toBe('closed');
  });

  it('keeps a card for a short name written like the id of a long one', async () => {
    const registry = new BreakerRegistry();
    const long = `/api/${'segment/'.repeat(500)}end`;
    // Names can come from requests: a short one can be made to read '#' and a long name's id.
    const lookalike = `#${nameId(long)}`;
    registry.get(long);
    registry.get(lookalike);
    const { page } = await open(
      registry,
      { intervalMs: 60_000, controls: true, authorize: () => true },
      'accept',
    );
    await updates(page, 1);
    expect(await page.locator('h2.name').allTextContents()).toEqual([
      lookalike,
      `${long.slice(0, 119)}\u2026`,
    ]);
    // Each card acts on its own breaker.
    await page.locator('li.breaker').nth(1).getByRole('button', { name: 'Isolate' }).click();
    await page
      .locator('li.breaker')
      .nth(1)
      .and(page.locator('[data-state="forced-open"]'))
      .waitFor();
    expect(registry.get(long).state).toBe('forced-open');
    expect(registry.get(lookalike).state).toBe('closed');
  });

  it('isolates a breaker from its button, and shows a refusal', async () => {
    const registry = new BreakerRegistry();
    registry.get('payments');
    registry.get('search');
    const authorize = (_req: IncomingMessage, { breaker }: { breaker: string }) =>
      breaker === 'payments';
    const { page, dialogs } = await open(
      registry,
      { intervalMs: 60_000, controls: true, authorize },
      'accept',
    );
    const paymentsCard = card(page, 'payments');
    await paymentsCard.and(page.locator('[data-state="closed"]')).waitFor();

    await paymentsCard.getByRole('button', { name: 'Isolate' }).click();
    await paymentsCard.and(page.locator('[data-state="forced-open"]')).waitFor();
    expect(registry.get('payments').state).toBe('forced-open');
    expect(await paymentsCard.getByText('on reset').count()).toBe(1);
    expect(dialogs).toEqual([
      'Isolate circuit "payments"? Every call through it will be refused until it is reset.',
    ]);

    await card(page, 'search').getByRole('button', { name: 'Isolate' }).click();
    await page.getByRole('status').getByText('Isolate "search" failed: 403 Not allowed').waitFor();
    expect(registry.get('search').state).toBe('closed');
  });

  it('looks like this (docs/dashboard.png with UPDATE_SCREENSHOT=1)', async ({ annotate }) => {
    let pricingNow = 0;
    const registry = new BreakerRegistry({
      defaults: {
        window: { type: 'count', size: 40 },
        minimumCalls: 20,
        openDurationMs: 30_000,
        slowCallDurationMs: 800,
      },
    });
    const names = [
      'GET /api/orders/:id',
      'https://payments.example.com',
      'inventory-service',
      'pricing',
      'recommendations',
      'search',
    ] as const;
    registry.get('pricing', { clock: { now: () => pricingNow }, openDurationMs: 5_000 });
    for (const name of names) registry.get(name);
    const { page } = await open(registry, {
      intervalMs: 50,
      controls: true,
      authorize: () => false,
    });
    await updates(page, 1);

    // A small deterministic random source, so the circuits end in the same states on every run.
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const call = (name: string, failureOdds: number, slowOdds = 0) => {
      const permit: Permit | null = registry.get(name).tryAcquire();
      if (permit === null) return;
      const durationMs = random() < slowOdds ? 1_200 : 40;
      if (random() < failureOdds) permit.failure(new Error('down'), { durationMs });
      else permit.success(durationMs);
    };
    // Sixty updates of traffic: payments and pricing degrade until they open.
    for (let step = 0; step < 60; step++) {
      for (let i = 0; i < 6; i++) {
        call('GET /api/orders/:id', 0.04);
        call('https://payments.example.com', step < 25 ? 0.05 : 0.05 + (step - 25) * 0.06);
        call('inventory-service', 0.12, 0.05);
        call('pricing', step < 30 ? 0.08 : 0.9);
        call('recommendations', 0.02);
        call('search', 0.1, 0.2);
      }
      await updates(page, step + 2);
    }
    registry.get('recommendations').isolate();
    // pricing's open period ends: its next call is a trial, still in flight.
    pricingNow += 10_000;
    const trial = registry.get('pricing').tryAcquire();
    onTestFinished(() => trial?.ignore());
    await card(page, 'pricing').and(page.locator('[data-state="half-open"]')).waitFor();
    await card(page, 'recommendations').and(page.locator('[data-state="forced-open"]')).waitFor();
    await card(page, 'https://payments.example.com')
      .and(page.locator('[data-state="open"]'))
      .waitFor();

    // Traffic goes on while the picture is taken, from a timer of the test's own, so that every
    // interval the page shows has calls in it whatever the browser is busy with; none of it can
    // move a circuit (few failures, or refused).
    const traffic = setInterval(() => {
      call('GET /api/orders/:id', 0.04);
      call('https://payments.example.com', 0);
      call('inventory-service', 0.12, 0.05);
      call('recommendations', 0);
      call('search', 0.1, 0.15);
    }, 5);
    onTestFinished(() => clearInterval(traffic));
    await updates(page, Number(await page.locator('body').getAttribute('data-updates')) + 3);
    // Wait for an update that shows search's calls per second, rather than read whichever update
    // is on the page now: on a busy machine one interval may have had no call in it.
    const searchCalls = card(page, 'search').locator('dd').nth(2);
    await expect
      .poll(async () => Number(await searchCalls.textContent()), { timeout: 20_000 })
      .toBeGreaterThan(0);
    const path = `${artifacts}dashboard.png`;
    await page.screenshot({ path, fullPage: true });
    clearInterval(traffic);
    expect(await page.locator('#summary').textContent()).toMatch(
      /^6 breakers · 1 open · 1 half-open · 1 forced-open · updated /,
    );
    await annotate('the dashboard', { path, contentType: 'image/png' });
    if (process.env.UPDATE_SCREENSHOT === '1') await copyFile(path, docsScreenshot);
  });
});
