import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemberMessage, MemberRequest } from './member.ts';
import type { RedisPlan } from './plan.ts';

type Event = Extract<MemberMessage, { event: 'stateChange' }>;
type Request = MemberRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;

const memberPath = fileURLToPath(new URL('./member.ts', import.meta.url));
const waitMs = 10_000;

/** One process of the benchmark, and the benchmark's end of its IPC channel. */
class Member {
  readonly #child: ChildProcess;
  readonly #replies = new Map<number, (message: MemberMessage) => void>();
  #onEvent: ((event: Event) => void) | undefined;
  #nextId = 0;
  readonly exited: Promise<void>;

  constructor() {
    this.#child = fork(memberPath, [], {
      execArgv: ['--disable-warning=ExperimentalWarning'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.on('message', (message: MemberMessage) => {
      if ('event' in message) this.#onEvent?.(message);
      else this.#replies.get(message.id)?.(message);
    });
  }

  request(request: Request): Promise<number | undefined> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${request.op}`)), waitMs);
      this.#replies.set(id, (message) => {
        clearTimeout(timer);
        this.#replies.delete(id);
        if ('error' in message && message.error !== undefined) reject(new Error(message.error));
        else resolve('at' in message ? message.at : undefined);
      });
      this.#child.send({ ...request, id });
    });
  }

  /** The next state change to `to`. */
  next(to: string): Promise<Event> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no change to ${to}`)), waitMs);
      this.#onEvent = (event) => {
        if (event.to !== to) return;
        clearTimeout(timer);
        this.#onEvent = undefined;
        resolve(event);
      };
    });
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const timer = setTimeout(() => {
      if (this.#child.pid !== undefined) process.kill(this.#child.pid, 'SIGKILL');
    }, waitMs);
    await this.request({ op: 'close' }).catch(() => {});
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Measures, `plan.trials` times, how long after a failure opens the circuit in one process
 * another process's breaker of the same name has opened and refuses calls: the failure is
 * stamped before it is recorded, the other's state change when it is announced (it then checks
 * that a call is refused), both on the machine's monotonic clock.
 */
export async function measurePropagation(
  url: string,
  plan: RedisPlan,
  problems: string[],
): Promise<number[]> {
  const opener = new Member();
  const follower = new Member();
  const delays: number[] = [];
  try {
    const start = { op: 'start', url, prefix: 'bench-propagation:', name: 'propagation' } as const;
    await Promise.all([opener.request(start), follower.request(start)]);
    for (let trial = 0; trial < plan.trials; trial++) {
      const opened = follower.next('open');
      const failedAt = await opener.request({ op: 'fail' });
      const event = await opened;
      if (event.reason !== 'fleet' || !event.refuses) {
        problems.push(`propagation: trial ${trial}: ${event.reason}, refuses: ${event.refuses}`);
      }
      delays.push(event.at - (failedAt as number));
      const closed = follower.next('closed');
      await opener.request({ op: 'reset' });
      await closed;
      plan.onProgress?.('propagation', trial + 1, plan.trials);
    }
  } finally {
    await Promise.all([opener.close(), follower.close()]);
  }
  return delays;
}
