// The runtime suite, on every runtime the README names: each runtime runs every case of
// suite/cases.ts against the built packages, and each case is reported here as a test of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuntimeReport, runtimes } from '../src/runtimes.ts';
import { startSuiteUpstream } from '../src/upstream.ts';
import { cases } from '../suite/cases.ts';

// A runtime starting cold on a busy machine (Deno compiles the suite first) can take a while;
// the limit only catches a hang.
const runtimeLimitMs = 120_000;

it('a case that does not hold somewhere names runtimes the suite runs on', () => {
  const names = new Set(runtimes().map((r) => r.name));
  const unknown = cases.flatMap((c) => Object.keys(c.skipOn ?? {}).filter((n) => !names.has(n)));
  expect(unknown).toEqual([]);
});

describe.each(runtimes())('$name', (runtime) => {
  let report: RuntimeReport;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    if (runtime.skip !== undefined) return;
    const upstream = await startSuiteUpstream((cleanup) => cleanups.push(cleanup));
    report = await runtime.run(upstream);
  }, runtimeLimitMs);

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it.skipIf(runtime.skip !== undefined)('loads the built packages, as a user would', () => {
    expect(report.version).toMatch(/\d+\.\d+\.\d+/);
    for (const name of ['core', 'fetch', 'hono']) {
      const loaded = report.modules.filter((module) => module.includes(`/packages/${name}/`));
      expect(loaded.length, `files of @tripswitch/${name}`).toBeGreaterThan(0);
      for (const module of loaded) expect(module).toContain(`/packages/${name}/dist/`);
    }
  });

  // A case that does not hold on this runtime (a known defect, see its skipOn) is skipped here.
  for (const { name, skipOn } of cases) {
    it.skipIf(runtime.skip !== undefined || skipOn?.[runtime.name] !== undefined)(name, () => {
      const result = report.results.find((r) => r.name === name);
      if (result === undefined) throw new Error(`${runtime.name} did not run "${name}"`);
      if (!result.ok) throw new Error(`${runtime.name} (${report.version}): ${result.error}`);
    });
  }
});
