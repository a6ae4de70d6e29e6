// The dashboard benchmark's server: a process of its own (so its CPU time and resident memory
// are the dashboard's alone), with a registry of breakers named by long paths, a little traffic
// so that every snapshot has rates to show, and the dashboard on node:http at 127.0.0.1. The
// benchmark asks it over IPC for its CPU time, its resident memory and its streams.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BreakerRegistry } from '@tripswitch/core';
import { dashboardHandler } from '@tripswitch/dashboard';

export interface ServerStart {
  breakers: number;
  nameBytes: number;
}

export type ServerRequest =
  | { id: number; op: 'start'; start: ServerStart }
  | { id: number; op: 'usage' | 'close' };

export interface Usage {
  /** process.cpuUsage(): user + system, microseconds. */
  cpuMicros: number;
  /** process.memoryUsage().rss, bytes. */
  rss: number;
  /** Event streams open now, and dropped or closed so far. */
  open: number;
  closed: number;
}

let server: ReturnType<typeof createServer> | undefined;
let traffic: ReturnType<typeof setInterval> | undefined;
let open = 0;
let closed = 0;

function start({ breakers, nameBytes }: ServerStart): Promise<number> {
  const registry = new BreakerRegistry({ maxBreakers: breakers * 2 });
  const names: string[] = [];
  for (let i = 0; i < breakers; i++) {
    // A path of about nameBytes characters, unique in its last segment.
    const name =
      `/api/${'v1/tenants/segment/'.repeat(Math.ceil(nameBytes / 19))}`.slice(0, nameBytes - 8) +
      `/${String(i).padStart(7, '0')}`;
    names.push(name);
    registry.get(name);
  }
  let tick = 0;
  traffic = setInterval(() => {
    // Each breaker sees a call a second, one in twenty of them fails.
    for (let i = tick % 10; i < names.length; i += 10) {
      const permit = registry.get(names[i] as string).tryAcquire();
      if ((i + tick) % 20 === 0) permit?.failure(new Error('down'));
      else permit?.success(5);
    }
    tick++;
  }, 100);
  const dashboard = dashboardHandler(registry);
  server = createServer((req, res) => {
    if (req.url?.startsWith('/events')) {
      open++;
      res.once('close', () => {
        open--;
        closed++;
      });
    }
    dashboard(req, res);
  });
  const listening = server;
  return new Promise((resolve) => {
    listening.listen(0, '127.0.0.1', () => resolve((listening.address() as AddressInfo).port));
  });
}

process.on('message', (request: ServerRequest) => {
  const reply = (result: unknown) => process.send?.({ id: request.id, result });
  switch (request.op) {
    case 'start':
      void start(request.start).then(reply);
      return;
    case 'usage': {
      const cpu = process.cpuUsage();
      const usage: Usage = {
        cpuMicros: cpu.user + cpu.system,
        rss: process.memoryUsage().rss,
        open,
        closed,
      };
      reply(usage);
      return;
    }
    case 'close':
      clearInterval(traffic);
      server?.closeAllConnections();
      server?.close();
      reply(undefined);
      setImmediate(() => process.disconnect());
      return;
  }
});
