/**
 * The dashboard part of `pnpm bench` alone (`pnpm bench:dashboard`): writes the dashboard section
 * of BENCHMARKS.md. Needs the workspace built.
 */
import { writeSection } from '../report.ts';
import { renderDashboardMarkdown, renderDashboardText } from './report.ts';
import { runDashboard } from './run-dashboard.ts';

const results = await runDashboard();
console.log(renderDashboardText(results));
writeSection(
  new URL('../../../BENCHMARKS.md', import.meta.url),
  'dashboard',
  renderDashboardMarkdown(results),
);
if (results.problems.length > 0) process.exitCode = 1;
