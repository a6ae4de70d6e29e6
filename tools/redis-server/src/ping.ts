import { connect } from 'node:net';

/**
 * Whether a Redis server answers PING on 127.0.0.1:`port`: connects, sends the command in RESP
 * and reads the reply. Resolves false on any error, or after `timeoutMs` without a reply.
 */
export function ping(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('end', () => done(false));
  });
}
