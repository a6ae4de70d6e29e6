import type { BreakerStats } from '@tripswitch/core';

/**
 * Confirms the breaker a subject went through saw the traffic as it should have: one breaker,
 * closed, no permit left in flight, no failure, and a success recorded for each of the `answered`
 * requests (`exactly`), or at least for each (`at least`: a server also records the answers its
 * load generator cut off at the end of a sample and never counted).
 */
export function checkBreaker(
  stats: readonly BreakerStats[],
  answered: number,
  match: 'exactly' | 'at least',
): string | undefined {
  const [breaker, ...others] = stats;
  if (breaker === undefined || others.length > 0) {
    return `${stats.length} breakers in the registry; expected one`;
  }
  const { state, inFlight, totals } = breaker;
  if (state !== 'closed') return `breaker ${breaker.name} is ${state}`;
  if (inFlight !== 0) return `breaker ${breaker.name} has ${inFlight} permits still in flight`;
  if (totals.failures !== 0) return `breaker ${breaker.name} recorded ${totals.failures} failures`;
  const ok = match === 'exactly' ? totals.successes === answered : totals.successes >= answered;
  return ok
    ? undefined
    : `breaker ${breaker.name} recorded ${totals.successes} successes for ${answered} answered requests; expected ${match} as many`;
}
