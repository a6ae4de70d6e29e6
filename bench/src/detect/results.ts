import type { Verdict } from '@tripswitch/simulator';
import type { Environment } from '../environment.ts';
import type { Contender } from './contender.ts';
import type { Measurements } from './measurements.ts';

/** Whether two drivers of the same Tripswitch breaker did exactly the same thing. */
export interface DriverCheck {
  /** Runs compared. */
  runs: number;
  /** The runs whose traces differ, as `scenario/variant/rate`. */
  differing: string[];
}

/** Everything one `pnpm bench:detect` run found. */
export interface DetectResults {
  environment: Environment;
  contenders: readonly Contender[];
  /** By contender name. */
  measurements: ReadonlyMap<string, Measurements>;
  /** The targets of issue 8 judged on each contender, by contender name. */
  verdicts: ReadonlyMap<string, readonly Verdict[]>;
  /** The throttling targets of issue 16 judged on each contender, by contender name. */
  throttlingVerdicts: ReadonlyMap<string, readonly Verdict[]>;
  driverCheck: DriverCheck;
  /** Wall-clock milliseconds of the whole run. */
  elapsedMs: number;
}
