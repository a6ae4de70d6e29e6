import { type ChildProcess, spawn } from 'node:child_process';
import { ping } from './ping.ts';

/** A redis-server process that answered PING. */
export interface Launched {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Settles when the process has exited. */
  readonly exited: Promise<void>;
  /** The end of what the server printed, for error messages. */
  output(): string;
}

const keptOutput = 8_192;

/** Why a launch failed; `addressInUse` when another process took the port first. */
export class LaunchError extends Error {
  readonly addressInUse: boolean;

  constructor(message: string, output: string) {
    super(`${message}\n--- redis-server output ---\n${output}`);
    this.name = 'LaunchError';
    this.addressInUse = /address already in use/i.test(output);
  }
}

/**
 * Starts `binary` on 127.0.0.1:`port` with no persistence, in the foreground, and resolves once it
 * answers PING. Readiness is probed each time the server prints something (it prints "Ready to
 * accept connections" once it listens), so nothing sleeps; a process that exits or stays silent
 * past `timeoutMs` rejects with what it printed.
 */
export function launch(
  binary: string,
  port: number,
  dir: string,
  extraArgs: readonly string[],
  timeoutMs: number,
): Promise<Launched> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
    '--dir',
    dir,
    ...extraArgs,
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let settled = false;
    let probing = false;
    let probeAgain = false;
    const settle = (error: LaunchError | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== undefined) {
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
        reject(error);
        return;
      }
      resolve({ child, pid: child.pid as number, exited, output: () => output });
    };
    const probe = async () => {
      if (probing) {
        probeAgain = true;
        return;
      }
      probing = true;
      do {
        probeAgain = false;
        if (await ping(port)) settle(undefined);
      } while (probeAgain && !settled);
      probing = false;
    };
    // The pipes are read for the server's whole life: a full pipe would block its logging.
    const onOutput = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-keptOutput);
      if (!settled) void probe();
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('error', (error) =>
      settle(new LaunchError(`Could not start ${binary}: ${error.message}`, output)),
    );
    child.once('exit', (code, signal) =>
      settle(
        new LaunchError(
          `redis-server exited (${code ?? signal}) before it answered PING on port ${port}`,
          output,
        ),
      ),
    );
    const timer = setTimeout(
      () =>
        settle(new LaunchError(`redis-server did not answer PING within ${timeoutMs} ms`, output)),
      timeoutMs,
    );
  });
}
