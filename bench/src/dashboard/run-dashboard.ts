/**
 * The dashboard's cost with many pages open: its server runs in a process of its own
 * (server.ts), with 1,000 breakers named by 4 KB paths and the dashboard's defaults, and this
 * process opens the streams. Two scenes: 100 readers that keep up, for which the server's CPU
 * (process.cpuUsage() over a period) and resident memory (process.memoryUsage().rss) are read;
 * and 100 readers that never read, which the server must drop once each has its buffer full.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ServerRequest, ServerStart, Usage } from './server.ts';

const serverPath = fileURLToPath(new URL('./server.ts', import.meta.url));

/** How the dashboard benchmark runs. */
export interface DashboardPlan {
  breakers: number;
  nameBytes: number;
  streams: number;
  warmupMs: number;
  measureMs: number;
  /** How long the stalled readers get to be dropped, at most. */
  stallMs: number;
}

export const defaultDashboardPlan: DashboardPlan = {
  breakers: 1_000,
  nameBytes: 4_096,
  streams: 100,
  warmupMs: 3_000,
  measureMs: 20_000,
  stallMs: 60_000,
};

/** What the dashboard benchmark measured. */
export interface DashboardResults {
  plan: DashboardPlan;
  /** 100 readers that keep up. */
  reading: {
    /** Server CPU over the measured period, as a fraction of one core. */
    cpu: number;
    /** The server's largest resident memory during the period, bytes. */
    rss: number;
    /** Snapshot bytes each reader received a second, and snapshots a second. */
    bytesPerSecond: number;
    eventsPerSecond: number;
    /** Streams open at the end (all of them, if none was dropped). */
    open: number;
  };
  /** 100 readers that never read. */
  stalled: {
    /** The server's resident memory before they connected, and at its largest after. */
    rssBefore: number;
    rssMost: number;
    /** Streams dropped, and how long until the last was. */
    dropped: number;
    droppedWithinMs: number;
  };
  problems: string[];
}

class Server {
  readonly #child: ChildProcess;
  readonly #replies = new Map<number, (result: unknown) => void>();
  #id = 0;

  constructor() {
    this.#child = fork(serverPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (message: { id: number; result: unknown }) => {
      this.#replies.get(message.id)?.(message.result);
      this.#replies.delete(message.id);
    });
  }

  ask<T>(request: WithoutId<ServerRequest>): Promise<T> {
    const id = this.#id++;
    return new Promise((resolve) => {
      this.#replies.set(id, (result) => resolve(result as T));
      this.#child.send({ ...request, id });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    await this.ask({ op: 'close' });
    await exited;
  }
}

/** A request before it is given its id (Omit, taken over each member of the union). */
type WithoutId<R> = R extends unknown ? Omit<R, 'id'> : never;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs both scenes, each against a fresh server process. */
export async function runDashboard(
  plan: DashboardPlan = defaultDashboardPlan,
): Promise<DashboardResults> {
  const problems: string[] = [];
  const start: ServerStart = { breakers: plan.breakers, nameBytes: plan.nameBytes };

  // Scene 1: readers that keep up.
  let server = new Server();
  let port = await server.ask<number>({ op: 'start', start });
  let bytes = 0;
  let events = 0;
  const readers: ReturnType<typeof request>[] = [];
  for (let i = 0; i < plan.streams; i++) {
    const req = request({ host: '127.0.0.1', port, path: '/events' }, (res) => {
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (
          let at = chunk.indexOf('event: snapshot');
          at >= 0;
          at = chunk.indexOf('event: snapshot', at + 1)
        )
          events++;
      });
      res.on('error', () => {});
    });
    req.on('error', () => {});
    req.end();
    readers.push(req);
  }
  await sleep(plan.warmupMs);
  const before = await server.ask<Usage>({ op: 'usage' });
  const bytesBefore = bytes;
  const eventsBefore = events;
  const started = performance.now();
  let rss = before.rss;
  while (performance.now() - started < plan.measureMs) {
    await sleep(1_000);
    rss = Math.max(rss, (await server.ask<Usage>({ op: 'usage' })).rss);
  }
  const after = await server.ask<Usage>({ op: 'usage' });
  const seconds = (performance.now() - started) / 1_000;
  const reading = {
    cpu: (after.cpuMicros - before.cpuMicros) / 1e6 / seconds,
    rss,
    bytesPerSecond: (bytes - bytesBefore) / seconds / plan.streams,
    eventsPerSecond: (events - eventsBefore) / seconds / plan.streams,
    open: after.open,
  };
  if (after.open !== plan.streams)
    problems.push(`dashboard: ${plan.streams - after.open} readers that kept up were dropped`);
  for (const req of readers) req.destroy();
  await server.close();

  // Scene 2: readers that never read.
  server = new Server();
  port = await server.ask<number>({ op: 'start', start });
  await sleep(plan.warmupMs);
  const quiet = await server.ask<Usage>({ op: 'usage' });
  const sockets: Socket[] = [];
  for (let i = 0; i < plan.streams; i++) {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => {});
    socket.write(`GET /events HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
    socket.pause();
    sockets.push(socket);
  }
  const stalledAt = performance.now();
  let rssMost = quiet.rss;
  let usage = quiet;
  let droppedWithinMs = Number.NaN;
  while (performance.now() - stalledAt < plan.stallMs) {
    await sleep(500);
    usage = await server.ask<Usage>({ op: 'usage' });
    rssMost = Math.max(rssMost, usage.rss);
    if (usage.closed - quiet.closed >= plan.streams) {
      droppedWithinMs = performance.now() - stalledAt;
      break;
    }
  }
  const dropped = usage.closed - quiet.closed;
  if (dropped < plan.streams)
    problems.push(
      `dashboard: only ${dropped} of ${plan.streams} readers that never read were dropped`,
    );
  for (const socket of sockets) socket.destroy();
  await server.close();

  return {
    plan,
    reading,
    stalled: { rssBefore: quiet.rss, rssMost, dropped, droppedWithinMs },
    problems,
  };
}
