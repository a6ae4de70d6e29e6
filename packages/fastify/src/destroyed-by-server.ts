/** What Node's HTTP/1.1 response (and `inject()`'s) has that the HTTP/2 compatibility one lacks. */
interface DestroyableResponse {
  readonly errored?: Error | null | undefined;
}

/**
 * @internal Whether `response` is Node's HTTP/1.1 response, or `inject()`'s, which is built on
 * it, rather than the HTTP/2 compatibility one. Only the first has `errored`, and emits
 * 'prefinish' when its end reaches the connection.
 */
export function isHttp1Response(response: object): boolean {
  return 'errored' in response;
}

/**
 * @internal Whether a response that closed before it was ended was destroyed by the server —
 * Fastify does so when a stream payload fails after the headers went out; a handler may after
 * `reply.hijack()` — rather than closed under it because the client went away or the server
 * shut down (`forceCloseConnections` cuts the connections). The first is the route failing, the
 * others say nothing of its health.
 *
 * Node's response tells them apart by `errored`: `null` until `destroy()` is called (which
 * sets it to its argument, `undefined` included), and left `null` when the socket closed under
 * the response. The HTTP/2 compatibility response has no `errored`, and the reset code of its
 * stream may come from either side, so there it reads as the client leaving, as before.
 */
export function destroyedByServer(response: object): boolean {
  return isHttp1Response(response) && (response as DestroyableResponse).errored !== null;
}
