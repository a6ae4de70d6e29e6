import { execFile, fork } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import type { ServerName } from '../http/servers.ts';

const serverScript = new URL('./counted-server.ts', import.meta.url);
const callsScript = new URL('./counted-calls.ts', import.meta.url);

// Node under callgrind, counting instructions only (no output file). `--predictable` keeps V8
// from compiling on background threads: under valgrind's serialized threads, when optimized code
// gets installed then varies from run to run, and with it how many calls run unoptimized, which
// made the difference of two runs meaningless (even negative) for the engine rows.
const underCallgrind = [
  '--tool=callgrind',
  '--callgrind-out-file=/dev/null',
  process.execPath,
  '--predictable',
  '--disable-warning=ExperimentalWarning',
];

/** callgrind's count of instructions, from what it wrote to stderr. */
function collected(stderr: string): number | undefined {
  const match = /Collected : (\d+)/.exec(stderr);
  return match === null ? undefined : Number(match[1]);
}

/**
 * The instructions one process running server `name` executes, from its start until it has
 * answered `total` requests (autocannon, `connections` keep-alive connections), as counted by
 * valgrind's callgrind: a count of work done, which busy neighbours do not change.
 */
export async function countInstructions(
  name: ServerName,
  total: number,
  connections: number,
): Promise<number> {
  const child = fork(serverScript, [name, String(total)], {
    execPath: 'valgrind',
    execArgv: underCallgrind,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit');
  const [message] = (await Promise.race([once(child, 'message'), exited])) as [unknown];
  const port = (message as { port?: unknown } | null)?.port;
  if (typeof port !== 'number') throw new Error(`${name} did not start under valgrind:\n${stderr}`);
  // Exactly `total` requests: the server answers the last one and exits, and autocannon ends.
  const load = autocannon({ url: `http://127.0.0.1:${port}/`, connections, amount: total });
  const [code] = (await exited) as [number | null];
  const count = collected(stderr);
  // Checked before waiting for autocannon: after a crash it would wait for answers forever.
  if (code !== 0 || count === undefined) {
    throw new Error(`${name} under valgrind exited with ${code}:\n${stderr.slice(-2000)}`);
  }
  await load;
  return count;
}

/**
 * The instructions one process executes that prepares `library`'s contender in the engine row
 * `row`, makes `warmup` calls and then `calls` more (counted-calls.ts), as counted by callgrind.
 */
export async function countCallInstructions(
  library: string,
  row: string,
  warmup: number,
  calls: number,
): Promise<number> {
  const run = promisify(execFile);
  const { stderr } = await run(
    'valgrind',
    [...underCallgrind, callsScript.pathname, library, row, String(warmup), String(calls)],
    { maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: { stderr?: string; code?: unknown }) => {
    throw new Error(
      `${library} ${row} under valgrind exited with ${error.code}:\n${error.stderr?.slice(-2000)}`,
    );
  });
  const count = collected(stderr);
  if (count === undefined) throw new Error(`${library} ${row}: no count from valgrind:\n${stderr}`);
  return count;
}
