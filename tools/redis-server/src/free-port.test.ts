import { createServer, type Server } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ephemeralStart, freePort } from './free-port.ts';

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('freePort', () => {
  it('finds a port below the ephemeral range that can be listened on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(16_384);
    expect(port).toBeLessThan(ephemeralStart());
    const server = await listenOn(port);
    server.close();
  });

  it('skips a port that is taken', async () => {
    const taken = await listenOn(await freePort());
    onTestFinished(() => {
      taken.close();
    });
    const address = taken.address();
    const takenPort = typeof address === 'object' && address !== null ? address.port : 0;
    // The first candidate drawn is the taken port.
    let draws = 0;
    const first = (takenPort - 16_384 + 0.5) / (ephemeralStart() - 16_384);
    const port = await freePort(() => (draws++ === 0 ? first : Math.random()));
    expect(draws).toBeGreaterThan(1);
    expect(port).not.toBe(takenPort);
  });
});
