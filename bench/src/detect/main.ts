/**
 * The detection-quality benchmark: every scenario of tools/simulator at 10, 100 and 1,000 calls
 * per second (overload at 1,000), for Tripswitch's defaults, Tripswitch with adaptive
 * throttling, three more Tripswitch configurations, opossum and cockatiel. Prints the tables and
 * writes the detection section of BENCHMARKS.md at the root of the repository, leaving the
 * section `pnpm bench` writes as it is.
 */
import { detectionTargets, throttlingTargets, type Verdict } from '@tripswitch/simulator';
import { describeEnvironment } from '../environment.ts';
import { writeSection } from '../report.ts';
import { contenders, tripswitchDefaults, tripswitchDefaultsThroughExecute } from './contenders.ts';
import { lookUp, type Measurements, measureContender } from './measurements.ts';
import { renderDetectMarkdown, renderDetectText } from './report.ts';
import type { DetectResults, DriverCheck } from './results.ts';
import { views } from './views.ts';

async function main(): Promise<void> {
  const started = performance.now();
  const environment = describeEnvironment();
  const measurements = new Map<string, Measurements>();
  const verdicts = new Map<string, readonly Verdict[]>();
  const throttlingVerdicts = new Map<string, readonly Verdict[]>();
  for (const contender of contenders) {
    const measured = await measureContender(contender);
    measurements.set(contender.name, measured);
    const measure = lookUp(measured);
    const targets = detectionTargets({ halfOpenMaxCalls: contender.halfOpenMaxCalls });
    verdicts.set(
      contender.name,
      targets.map((t) => t.judge(measure)),
    );
    throttlingVerdicts.set(
      contender.name,
      throttlingTargets().map((t) => t.judge(measure)),
    );
    process.stderr.write(`${contender.name}: ${(measured.elapsedMs / 1000).toFixed(1)} s\n`);
  }

  const throughExecute = await measureContender(tripswitchDefaultsThroughExecute);
  process.stderr.write(
    `${tripswitchDefaultsThroughExecute.name}: ${(throughExecute.elapsedMs / 1000).toFixed(1)} s\n`,
  );
  const driverCheck = compareDigests(
    measurements.get(tripswitchDefaults.name) as Measurements,
    throughExecute,
  );

  const results: DetectResults = {
    environment,
    contenders,
    measurements,
    verdicts,
    throttlingVerdicts,
    driverCheck,
    elapsedMs: performance.now() - started,
  };
  console.log(renderDetectText(results, views));
  const file = new URL('../../../BENCHMARKS.md', import.meta.url);
  writeSection(file, 'detect', renderDetectMarkdown(results, views));
  console.log(`\nwrote the detection section of ${file.pathname}`);

  // A difference between the drivers is a fault of the simulation, not a finding.
  if (driverCheck.differing.length > 0) process.exitCode = 1;
}

function compareDigests(permit: Measurements, execute: Measurements): DriverCheck {
  const differing: string[] = [];
  for (const [key, digest] of permit.digests) {
    if (execute.digests.get(key) !== digest) differing.push(key);
  }
  return { runs: permit.digests.size, differing };
}

await main();
