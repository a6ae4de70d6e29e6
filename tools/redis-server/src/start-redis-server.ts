import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRedisServer } from './ensure-redis-server.ts';
import { freePort } from './free-port.ts';
import { LaunchError, type Launched, launch } from './launch.ts';

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** More `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. @defaultValue none */
  args?: readonly string[];
  /** How long the server may take to answer PING. @defaultValue 10_000 */
  startTimeoutMs?: number;
}

/** A running `redis-server` of this process's own. */
export interface RedisServer extends AsyncDisposable {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The server process's id; it changes with {@link restart}. */
  readonly pid: number;
  /** The server's working directory, removed by {@link stop}. */
  readonly dir: string;
  /** Whether the process is running (it has not exited). */
  readonly running: boolean;
  /** Stops the server (SIGTERM to its PID, SIGKILL after 5 s) and removes its directory. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL to its PID), as a crash would; {@link restart} brings it back. */
  kill(): Promise<void>;
  /** Starts the server again on the same port, empty (there is no persistence); stops it first if it runs. */
  restart(): Promise<void>;
}

const portAttempts = 3;
const stopGraceMs = 5_000;

/**
 * Starts a real `redis-server` on 127.0.0.1 and a free port, with no persistence (`--save ''`,
 * `--appendonly no`), in protected mode, in the foreground, with its own temporary `--dir`, and
 * resolves once it answers PING. When `redis-server` is not on PATH it throws at once, saying how
 * to install it. The server is stopped by the PID recorded here, never by name.
 *
 * @example
 * ```ts
 * await using server = await startRedisServer();
 * const client = new Redis(server.url);
 * ```
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const { args = [], startTimeoutMs = 10_000 } = options;
  const binary = ensureRedisServer();
  const dir = await mkdtemp(join(tmpdir(), 'tripswitch-redis-'));
  let launched: Launched | undefined;
  let port = 0;
  try {
    for (let attempt = 1; launched === undefined; attempt++) {
      port = await freePort();
      try {
        launched = await launch(binary, port, dir, args, startTimeoutMs);
      } catch (error) {
        // Another process may take the free port between our probe and the server's bind.
        if (!(error instanceof LaunchError && error.addressInUse && attempt < portAttempts)) {
          throw error;
        }
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let current: Launched = launched;
  let running = true;
  const track = (launchedProcess: Launched) => {
    running = true;
    void launchedProcess.exited.then(() => {
      if (current === launchedProcess) running = false;
    });
  };
  track(current);
  const signalAndWait = async (signal: NodeJS.Signals) => {
    if (!running) return;
    const target = current;
    process.kill(target.pid, signal);
    if (signal === 'SIGKILL') {
      await target.exited;
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), stopGraceMs);
    });
    const outcome = await Promise.race([target.exited, grace]);
    clearTimeout(timer);
    if (outcome === 'late') {
      process.kill(target.pid, 'SIGKILL');
      await target.exited;
    }
  };
  let stopped = false;
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return current.pid;
    },
    dir,
    get running() {
      return running;
    },
    async stop() {
      await signalAndWait('SIGTERM');
      if (!stopped) {
        stopped = true;
        await rm(dir, { recursive: true, force: true });
      }
    },
    kill: () => signalAndWait('SIGKILL'),
    async restart() {
      if (stopped) throw new Error('This redis-server was stopped; start a new one');
      await signalAndWait('SIGTERM');
      current = await launch(binary, port, dir, args, startTimeoutMs);
      track(current);
    },
    [Symbol.asyncDispose]: () => server.stop(),
  };
  return server;
}
