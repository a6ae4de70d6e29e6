/**
 * The reason `AbortSignal.timeout()` aborts with: a `TimeoutError`, which the adapters judge a
 * deadline (a failure), not a cancellation. A test aborts with it once the upstream has the
 * request, so the deadline cannot pass before the request arrives, as a real timer could on a
 * busy machine.
 */
export function deadline(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}
