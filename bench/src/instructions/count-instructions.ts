import { fork } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';
import type { ServerName } from '../http/servers.ts';

const serverScript = new URL('./counted-server.ts', import.meta.url);

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
    execArgv: [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      '--disable-warning=ExperimentalWarning',
    ],
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
  const collected = /Collected : (\d+)/.exec(stderr);
  // Checked before waiting for autocannon: after a crash it would wait for answers forever.
  if (code !== 0 || collected === null) {
    throw new Error(`${name} under valgrind exited with ${code}:\n${stderr.slice(-2000)}`);
  }
  await load;
  return Number(collected[1]);
}
