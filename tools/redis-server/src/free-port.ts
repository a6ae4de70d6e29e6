import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the system's ephemeral ports begin (Linux's default when it cannot be read). */
export function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    const start = Number(low);
    return Number.isInteger(start) && start > 0 ? start : 32_768;
  } catch {
    return 32_768;
  }
}

/** Whether `port` can be listened on at 127.0.0.1 right now (0: resolves the port the system picks). */
function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

const lowest = 16_384;
const attempts = 20;

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, taken below the ephemeral range when
 * there is room: a client that keeps reconnecting to a server that was killed picks ephemeral
 * local ports, and one that picked the server's own port would connect to itself (a TCP
 * self-connection) and keep the port from the restarted server.
 */
export async function freePort(random: () => number = Math.random): Promise<number> {
  const end = ephemeralStart();
  if (end - lowest >= 1_000) {
    for (let i = 0; i < attempts; i++) {
      const candidate = lowest + Math.floor(random() * (end - lowest));
      if ((await tryListen(candidate)) !== undefined) return candidate;
    }
  }
  const picked = await tryListen(0);
  if (picked === undefined) throw new Error('No free TCP port on 127.0.0.1');
  return picked;
}
