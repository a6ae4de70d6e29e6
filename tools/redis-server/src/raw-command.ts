import { connect } from 'node:net';

/**
 * Sends one command to the Redis server on 127.0.0.1:`port` in RESP and resolves its reply: a
 * status, an integer or a bulk string, as text. An error reply, a connection error or no reply
 * within `timeoutMs` rejects. Enough to set up a cluster without a client library.
 */
export function rawCommand(
  port: number,
  args: readonly string[],
  timeoutMs = 5_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = Buffer.alloc(0);
    let settled = false;
    const done = (error: Error | undefined, value = '') => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (error === undefined) resolve(value);
      else reject(error);
    };
    socket.setTimeout(timeoutMs, () =>
      done(
        new Error(`redis-server on port ${port} did not answer ${args[0]} within ${timeoutMs} ms`),
      ),
    );
    socket.on('error', (error) => done(error));
    socket.on('connect', () => {
      let text = `*${args.length}\r\n`;
      for (const arg of args) text += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
      socket.write(text);
    });
    socket.on('data', (chunk) => {
      reply = Buffer.concat([reply, chunk]);
      const end = reply.indexOf('\r\n');
      if (end < 0) return;
      const head = reply.subarray(1, end).toString();
      switch (String.fromCharCode(reply[0] as number)) {
        case '+':
        case ':':
          return done(undefined, head);
        case '-':
          return done(new Error(`redis-server on port ${port} answered ${args[0]}: ${head}`));
        case '$': {
          const length = Number(head);
          if (length < 0) return done(undefined, '');
          if (reply.length >= end + 2 + length + 2) {
            done(undefined, reply.subarray(end + 2, end + 2 + length).toString());
          }
          return;
        }
        default:
          return done(new Error(`Unexpected reply to ${args[0]}: ${head}`));
      }
    });
    socket.on('end', () => done(new Error(`redis-server on port ${port} closed the connection`)));
  });
}
