/**
 * The gRPC status codes this package needs, by name. They are fixed by the gRPC protocol, so they
 * are written out here rather than read from grpc-js: the package never loads a grpc-js of its own,
 * and works with whichever copy the client was built with.
 */
export const grpcStatus = {
  OK: 0,
  CANCELLED: 1,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

// Index = code. Where the name of a code shows in an error message.
const names = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** The name of a status code (`'UNAVAILABLE'` for 14), or `'UNKNOWN'` for what is not one. */
export function statusName(code: unknown): string {
  return (typeof code === 'number' && names[code]) || 'UNKNOWN';
}

// The codes that say the service answered, whatever it answered: the caller's mistakes (a bad
// argument, a missing entity, no permission…) and the application's own verdicts. Index = code.
const answered: readonly boolean[] = [
  true, // OK
  false, // CANCELLED: judged apart, see isFailureCode
  false, // UNKNOWN
  true, // INVALID_ARGUMENT
  false, // DEADLINE_EXCEEDED
  true, // NOT_FOUND
  true, // ALREADY_EXISTS
  true, // PERMISSION_DENIED
  false, // RESOURCE_EXHAUSTED
  true, // FAILED_PRECONDITION
  true, // ABORTED
  true, // OUT_OF_RANGE
  true, // UNIMPLEMENTED
  false, // INTERNAL
  false, // UNAVAILABLE
  false, // DATA_LOSS
  true, // UNAUTHENTICATED
];

/**
 * The default rule: whether a call that ended with `code` (and was not cancelled by its caller)
 * failed. `UNAVAILABLE`, `DEADLINE_EXCEEDED`, `RESOURCE_EXHAUSTED`, `INTERNAL`, `UNKNOWN`,
 * `DATA_LOSS` and `CANCELLED` (the service, or the connection to it, ended the call) are
 * failures; every other code is an answer from the service, a success. A value that is not a
 * gRPC status code counts as `UNKNOWN`.
 */
export function isFailureCode(code: unknown): boolean {
  return !(typeof code === 'number' && answered[code] === true);
}
