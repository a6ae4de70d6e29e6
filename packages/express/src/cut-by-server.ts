import type { Socket } from 'node:net';
import type { Response } from 'express';

/**
 * @internal Why a response closed before the route ended it, when this server cut it short
 * rather than the client: the route failed after its headers went out, which is a failure of
 * the route however good its status looked. Returns the error to record, or `undefined` when
 * the client went away or the server was shutting down, which say nothing about the route.
 *
 * - The response destroyed with an error (`res.errored`): a stream piped into it failed
 *   (`pipeline(source, res)`), or the route called `res.destroy(error)`.
 * - The socket closed by the server with no error after the headers went out: Express's error
 *   handler, given an error (`next(err)`, a throw) after the headers were sent, can only
 *   destroy the connection. Before the headers, a route that drops the connection is more often
 *   turning away an abusive client (`req.socket.destroy()`), which must not open the circuit.
 *
 * The client is the cause when it ended the connection (the socket read its end) or reset it
 * (the socket errored). A server timeout also closes the socket with no error, and may be a
 * client that stopped reading: on a socket with a timeout, a cut without an error is left to the
 * client, as it always was. So is a cut without an error once the server stopped listening
 * (`server.close()`): shutting down, it drops the connections it still holds
 * (`closeAllConnections()`), and counting those would push the circuit toward open on every
 * deploy. `socket` is the request's, read when the request was admitted: the response lets go
 * of its socket when it closes.
 *
 * `answeredAfterCut`: the route ended the response, but only once the connection was gone (see
 * `settleWhenDone`). Its headers then read as sent though none may have gone out, so only an
 * error on the response counts.
 */
export function cutByServer(
  res: Response,
  socket: Socket | null | undefined,
  answeredAfterCut: boolean,
): Error | undefined {
  const { errored } = res as { errored?: unknown };
  if (errored !== null && errored !== undefined) {
    return errored instanceof Error ? errored : new Error(String(errored));
  }
  if (answeredAfterCut || !res.headersSent || socket === null || socket === undefined) {
    return undefined;
  }
  if (
    socket.readableEnded ||
    socket.errored !== null ||
    (socket.timeout ?? 0) > 0 ||
    shuttingDown(socket)
  ) {
    return undefined;
  }
  return new Error(
    `The response (status ${res.statusCode}) was cut short: the server closed the connection before the route ended it`,
  );
}

/**
 * Whether the server the connection came in on has stopped listening: `server.close()` was
 * called (it lets go of its listening handle at once), whatever order the application closes
 * its connections in. A socket handed to a server some other way has no `server` to ask.
 */
function shuttingDown(socket: Socket): boolean {
  const { server } = socket as Socket & { server?: { readonly listening?: unknown } | null };
  return server?.listening === false;
}
