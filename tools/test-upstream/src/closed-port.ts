import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import type { OnTestFinished } from './index.ts';

/**
 * The URL of a port nothing listens on, and nothing can until the test finishes: connecting there
 * is refused (ECONNREFUSED). Not the port of a server opened and closed again: the system may hand
 * that one to the next server that asks for any port, in this process or another (and
 * vitest.recycle-ports.ts always does), which would then answer there. This port is the local end
 * of a loopback connection the test holds open: no server can listen on it while it lives.
 */
export async function closedPort(onTestFinished: OnTestFinished): Promise<string> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const holder = connect((listener.address() as AddressInfo).port, '127.0.0.1');
  const [[accepted]] = (await Promise.all([
    once(listener, 'connection'),
    once(holder, 'connect'),
  ])) as [[Socket], unknown];
  // Stops listening now; 'close' comes once the held connection ends.
  listener.close();
  onTestFinished(async () => {
    holder.destroy();
    accepted.destroy();
    await once(listener, 'close');
  });
  return `http://127.0.0.1:${holder.localPort}`;
}
