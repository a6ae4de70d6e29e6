/**
 * @module
 * The core demo: runs the scripted scenario on the wall clock and prints its timeline as it
 * happens, then a report. `pnpm --filter core-demo run demo`, or `npm run demo` at the root.
 */
import { runScenario } from './scenario.ts';
import { realTiming } from './time.ts';
import { formatEntry, formatHeader, formatReport } from './timeline.ts';

for (const line of formatHeader()) console.log(line);
const result = await runScenario({
  timing: realTiming,
  onEntry: (entry) => console.log(formatEntry(entry)),
});
console.log('');
for (const line of formatReport(result)) console.log(line);
