/**
 * Builds an error without capturing a stack trace, where the runtime allows it (V8's
 * `Error.stackTraceLimit`). Refusals are expected, come by the thousand during an outage, and
 * their trace says nothing their breaker name does not; capturing it is most of their cost.
 */
export function withoutStackTrace<T>(create: () => T): T {
  const errorClass = Error as { stackTraceLimit?: number };
  const limit = errorClass.stackTraceLimit;
  if (limit === undefined) return create();
  errorClass.stackTraceLimit = 0;
  try {
    return create();
  } finally {
    errorClass.stackTraceLimit = limit;
  }
}
