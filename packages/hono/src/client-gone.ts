import type { Context } from 'hono';

/** What `@hono/node-server` puts in `c.env.outgoing`: Node's response, as far as read here. */
interface NodeResponse {
  readonly closed: boolean;
  readonly writableFinished: boolean;
  readonly socket?: { readonly destroyed?: boolean } | null;
}

/**
 * @internal Whether the client of `c` went away before its response was sent, when the handlers
 * are done — or the server cut the connection (a shutdown: `server.close()` and
 * `closeAllConnections()`), which says no more about the route. On `@hono/node-server`, Node's
 * response says so for nothing: reading `c.req.raw.signal` there makes an AbortController for
 * the request (the server only makes one when asked), which would cost every guarded request
 * more than the breaker itself. On other runtimes the request's signal is the runtime's own, and
 * read as it is.
 */
export function isClientGone(c: Context): boolean {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  if (isNodeResponse(outgoing)) {
    // Closed before it finished: the test @hono/node-server itself aborts the signal by. Or not
    // closed yet, on a connection already destroyed: Node reports the cut a turn later, and an
    // application that drops its connections and cancels the work in flight in one go has its
    // handlers answer (500) in that gap. Such an answer reaches no one, and may be the cut's doing.
    if (outgoing.writableFinished) return false;
    return outgoing.closed || outgoing.socket?.destroyed === true;
  }
  return c.req.raw.signal.aborted;
}

// A binding that merely happens to be called `outgoing` (on Workers, say) has neither boolean.
function isNodeResponse(value: unknown): value is NodeResponse {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as NodeResponse).closed === 'boolean' &&
    typeof (value as NodeResponse).writableFinished === 'boolean'
  );
}
