// A vitest setup file that makes every server a test starts on port 0 take the port a server
// closed earlier in the same process, whenever there is one. The system hands out such a port
// again only now and then; a client that keeps connections per address (Node's keep-alive agent,
// undici's pool, grpc-js's shared subchannels) then meets, for a moment, the connection it kept
// to the earlier server. A test that passes only because its port is new fails here every time.
// On with TRIPSWITCH_RECYCLE_PORTS=1 (scripts/test-under-load.sh sets it); see vitest.shared.ts.
import net from 'node:net';

const patched = Symbol.for('tripswitch.recyclePorts');

/** Ports given up by servers this process closed, the latest last. */
const freed: number[] = [];

const prototype = net.Server.prototype as net.Server & { [patched]?: true };
if (prototype[patched] !== true) {
  prototype[patched] = true;
  const listen = prototype.listen;
  prototype.listen = function listenOnARecycledPort(this: net.Server, ...args: unknown[]) {
    const port = asksForAnyPort(args) ? freed.pop() : undefined;
    if (port !== undefined) withPort(args, port);
    this.once('listening', () => {
      const address = this.address();
      if (address !== null && typeof address === 'object') {
        this.once('close', () => freed.push(address.port));
      }
    });
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;
}

/** Whether `listen(...args)` lets the system choose a TCP port. */
function asksForAnyPort(args: unknown[]): boolean {
  const [first] = args;
  if (first === undefined || typeof first === 'function') return true;
  if (first === 0 || first === '0') return true;
  if (typeof first !== 'object' || first === null) return false;
  const options = first as { port?: unknown; path?: unknown; fd?: unknown; _handle?: unknown };
  if (options.path !== undefined || options.fd !== undefined || '_handle' in options) return false;
  return options.port === undefined || options.port === 0 || options.port === '0';
}

/** Makes `listen(...args)` ask for `port`. */
function withPort(args: unknown[], port: number): void {
  const [first] = args;
  if (typeof first === 'object' && first !== null) args[0] = { ...first, port };
  else if (first === undefined || typeof first === 'function') args.unshift(port);
  else args[0] = port;
}
