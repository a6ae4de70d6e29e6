import type { Sample } from './types.ts';

/**
 * Calls `call` for about `ms` with `concurrency` calls in flight: that many lanes, each starting
 * its next call as soon as its previous one settles, until the time is up. Counts the calls that
 * resolved, over the time until the last lane stopped, so the calls still in flight at the end
 * count with the time they took. The CPU time is this thread's: the client's work.
 */
export async function clientLoopSample(
  call: () => Promise<unknown>,
  concurrency: number,
  ms: number,
): Promise<Sample> {
  const sample: Sample = { requests: 0, elapsedMs: 0, cpuUs: 0, errors: 0 };
  const cpu = process.threadCpuUsage();
  const started = performance.now();
  const deadline = started + ms;
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      try {
        await call();
        sample.requests++;
      } catch (error) {
        sample.errors++;
        sample.firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  sample.elapsedMs = performance.now() - started;
  const { user, system } = process.threadCpuUsage(cpu);
  sample.cpuUs = user + system;
  return sample;
}
