/**
 * What a fleet costs Redis: `replicas` processes (scale-replica.ts), each with its own ioredis
 * client and store, share `names` breakers, every breaker sees a call a second (enough to
 * count as active: every flush has counts for it), and the benchmark reads Redis's own figures
 * over a period — commands processed (INFO `total_commands_processed`, which counts the commands
 * scripts run) and the CPU time redis-server used (INFO `used_cpu_user` + `used_cpu_sys`). On a
 * cluster, per master.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rawCommand } from '@tripswitch/redis-server';
import type { ReplicaCounters, ReplicaRequest } from './scale-replica.ts';

const replicaPath = fileURLToPath(new URL('./scale-replica.ts', import.meta.url));

/** One point of the fleet-scale measurement. */
export interface ScalePoint {
  /** Active name × replica pairs: names × replicas. */
  pairs: number;
  names: number;
  replicas: number;
  /** Seconds measured. */
  seconds: number;
  /** Redis commands a second, in all and per master (one entry on a single node). */
  commandsPerSecond: number[];
  /** redis-server CPU, as a fraction of one core, per master. */
  cpu: number[];
  /** Calls the breakers made a second, in all. */
  callsPerSecond: number;
  /** storeError events during the measurement. */
  errors: number;
}

/** How a point is measured. */
export interface ScaleOptions {
  /** The masters' ports (one for a single node). */
  ports: readonly number[];
  names: number;
  replicas: number;
  warmupMs: number;
  measureMs: number;
  prefix: string;
}

interface RedisFigures {
  commands: number;
  cpuSeconds: number;
}

async function figuresOf(port: number): Promise<RedisFigures> {
  const stats = await rawCommand(port, ['INFO', 'stats']);
  const cpu = await rawCommand(port, ['INFO', 'cpu']);
  const field = (text: string, name: string) =>
    Number(text.match(new RegExp(`^${name}:([\\d.]+)`, 'm'))?.[1]);
  return {
    commands: field(stats, 'total_commands_processed'),
    cpuSeconds: field(cpu, 'used_cpu_user') + field(cpu, 'used_cpu_sys'),
  };
}

/** A request before it is given its id (Omit, taken over each member of the union). */
type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;

class Replica {
  readonly #child: ChildProcess;
  readonly #replies = new Map<number, (message: { result: unknown; error?: string }) => void>();
  #id = 0;

  constructor() {
    this.#child = fork(replicaPath, [], {
      execArgv: ['--disable-warning=ExperimentalWarning'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (message: { id: number; result: unknown; error?: string }) => {
      this.#replies.get(message.id)?.(message);
      this.#replies.delete(message.id);
    });
  }

  ask<T>(request: WithoutId<ReplicaRequest>): Promise<T> {
    const id = this.#id++;
    return new Promise((resolve, reject) => {
      this.#replies.set(id, ({ result, error }) =>
        error === undefined ? resolve(result as T) : reject(new Error(error)),
      );
      this.#child.send({ ...request, id });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    await this.ask({ op: 'close' }).catch(() => {});
    await exited;
  }
}

const sum = (counters: readonly ReplicaCounters[], key: keyof ReplicaCounters) =>
  counters.reduce((total, c) => total + c[key], 0);

/** Measures one point: starts the replicas, lets them run, reads Redis's figures. */
export async function measureScale(options: ScaleOptions): Promise<ScalePoint> {
  const { ports, names, replicas, warmupMs, measureMs, prefix } = options;
  const fleet = Array.from({ length: replicas }, () => new Replica());
  try {
    await Promise.all(
      fleet.map((replica) => replica.ask({ op: 'start', ports: [...ports], names, prefix })),
    );
    await new Promise((resolve) => setTimeout(resolve, warmupMs));
    const before = await Promise.all(ports.map(figuresOf));
    const countersBefore = await Promise.all(
      fleet.map((r) => r.ask<ReplicaCounters>({ op: 'counters' })),
    );
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, measureMs));
    const after = await Promise.all(ports.map(figuresOf));
    const countersAfter = await Promise.all(
      fleet.map((r) => r.ask<ReplicaCounters>({ op: 'counters' })),
    );
    const seconds = (performance.now() - started) / 1_000;
    return {
      pairs: names * replicas,
      names,
      replicas,
      seconds,
      commandsPerSecond: after.map(
        (a, i) => (a.commands - (before[i] as RedisFigures).commands) / seconds,
      ),
      cpu: after.map((a, i) => (a.cpuSeconds - (before[i] as RedisFigures).cpuSeconds) / seconds),
      callsPerSecond: (sum(countersAfter, 'calls') - sum(countersBefore, 'calls')) / seconds,
      errors: sum(countersAfter, 'errors') - sum(countersBefore, 'errors'),
    };
  } finally {
    await Promise.all(fleet.map((replica) => replica.close()));
  }
}
