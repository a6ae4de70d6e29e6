import autocannon from 'autocannon';
import type { ServerThread } from './server-thread.ts';
import type { Sample } from './types.ts';

/**
 * Loads `server` with autocannon for about `ms`: `connections` keep-alive connections, each sending
 * its next GET as soon as the previous answer arrives. Counts the 2xx answers, over the time from
 * the call to autocannon's result, measured here rather than taken from autocannon (which rounds
 * its duration to 10 ms and stops only at its next sampling tick). The CPU time is the server
 * thread's.
 */
export async function autocannonSample(
  server: ServerThread,
  connections: number,
  ms: number,
): Promise<Sample> {
  const cpuBefore = await server.cpuUs();
  const started = performance.now();
  const result = await autocannon({
    url: server.url,
    connections,
    duration: ms / 1000,
    // autocannon checks for the end of the run once per sample interval; a short one ends it
    // close to `ms`.
    sampleInt: 100,
  });
  const elapsedMs = performance.now() - started;
  const cpuUs = (await server.cpuUs()) - cpuBefore;
  const errors = result.errors + result.timeouts + result.non2xx + result.mismatches;
  const sample: Sample = { requests: result['2xx'], elapsedMs, cpuUs, errors };
  if (errors > 0) {
    sample.firstError =
      `${result.errors} errors, ${result.timeouts} timeouts, ` +
      `${result.non2xx} answers other than 2xx`;
  }
  return sample;
}
