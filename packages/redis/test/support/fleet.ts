// Fleet members as real child processes, each with its own client, store and breaker (see
// member.ts), and the test's end of their IPC channel.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  MemberEvent,
  MemberInit,
  MemberReply,
  MemberRequest,
  MemberState,
} from './member-protocol.ts';

const memberPath = fileURLToPath(new URL('./member.ts', import.meta.url));
const requestTimeoutMs = 60_000;

export class Member {
  readonly child: ChildProcess;
  readonly events: MemberEvent[] = [];
  readonly #waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  readonly #watchers = new Set<(event: MemberEvent) => void>();
  readonly #exited: Promise<void>;
  #nextId = 0;

  constructor() {
    this.child = fork(memberPath, [], {
      execArgv: ['--conditions=@tripswitch/source', '--disable-warning=ExperimentalWarning'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    this.child.on('message', (message: MemberReply | MemberEvent) => {
      if ('id' in message) {
        const waiting = this.#waiting.get(message.id);
        this.#waiting.delete(message.id);
        if (message.error !== undefined) waiting?.reject(new Error(message.error));
        else waiting?.resolve(message.result);
        return;
      }
      this.events.push(message);
      for (const watcher of this.#watchers) watcher(message);
    });
    this.child.once('exit', (code, signal) => {
      for (const { reject } of this.#waiting.values()) {
        reject(new Error(`fleet member exited (${code ?? signal})`));
      }
      this.#waiting.clear();
    });
  }

  request<T = unknown>(request: MemberRequest): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(
          new Error(`fleet member did not answer ${request.op} within ${requestTimeoutMs} ms`),
        );
      }, requestTimeoutMs);
      this.#waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ ...request, id });
    });
  }

  state(name: string): Promise<MemberState> {
    return this.request<MemberState>({ op: 'state', name });
  }

  /**
   * Resolves on the next event `accept` takes, with when it reached the test (`receivedAt`, on the
   * test's `performance.now()`), or rejects after `timeoutMs`.
   */
  next<E extends MemberEvent>(
    accept: (event: MemberEvent) => event is E,
    timeoutMs = 15_000,
  ): Promise<E & { receivedAt: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#watchers.delete(watch);
        reject(new Error(`fleet member sent no awaited event within ${timeoutMs} ms`));
      }, timeoutMs);
      const watch = (event: MemberEvent) => {
        if (!accept(event)) return;
        clearTimeout(timer);
        this.#watchers.delete(watch);
        resolve({ ...event, receivedAt: performance.now() });
      };
      this.#watchers.add(watch);
    });
  }

  /** Closes its store and client and waits for it to exit; kills it (by PID) if it hangs. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => {
      if (this.child.pid !== undefined) process.kill(this.child.pid, 'SIGKILL');
    }, 10_000);
    await this.request({ op: 'close' }).catch(() => {});
    await this.#exited;
    clearTimeout(timer);
  }
}

/** Starts `count` members and initialises each (its store is available when this resolves). */
export async function startFleet(count: number, init: MemberInit): Promise<Member[]> {
  const members = Array.from({ length: count }, () => new Member());
  try {
    await Promise.all(members.map((member) => member.request({ op: 'init', init })));
  } catch (error) {
    await Promise.all(members.map((member) => member.close()));
    throw error;
  }
  return members;
}

export function isStateChange(
  event: MemberEvent,
): event is Extract<MemberEvent, { event: 'stateChange' }> {
  return event.event === 'stateChange';
}
