import type { Metadata, StatusObject } from '@grpc/grpc-js';
import {
  type BulkheadFullError,
  type CircuitOpenError,
  isBulkheadFullError,
  isCircuitOpenError,
} from '@tripswitch/core';
import { pushbackKey } from './judge-status.ts';
import { grpcStatus } from './status-codes.ts';

/**
 * The status a refused call ends with, as its caller receives it: a `StatusObject` whose `cause` is
 * the core's refusal error. grpc-js copies a status's own properties onto the `ServiceError` it
 * gives the caller, so `isCircuitOpenError(error.cause)` recognises the refusal there too.
 */
export interface RefusalStatus extends StatusObject {
  /** Why the call was refused: the circuit (`CircuitOpenError`) or a full bulkhead. */
  cause: CircuitOpenError | BulkheadFullError;
}

/**
 * The status of a call the breaker refused: `UNAVAILABLE`, the refusal's message as details (it
 * names the breaker), and — while the circuit is open and waiting for its trial period — trailing
 * metadata `grpc-retry-pushback-ms` with the milliseconds until a trial call is let through, so a
 * retry policy that reads it (gRFC A6) waits that long. `requestMetadata` is the call's own (see
 * {@link emptyLike}).
 */
export function refusalStatus(
  error: CircuitOpenError | BulkheadFullError,
  requestMetadata: Metadata,
): RefusalStatus {
  const metadata = emptyLike(requestMetadata);
  if (isCircuitOpenError(error) && error.retryAfterMs !== undefined) {
    metadata.set(pushbackKey, String(error.retryAfterMs));
  }
  return { code: grpcStatus.UNAVAILABLE, details: error.message, metadata, cause: error };
}

/**
 * Whether a status is a refusal by a Tripswitch breaker — one further along the chain, for a
 * client that stacks two — rather than an answer from the service: it is not judged.
 */
export function isRefusal(status: StatusObject): boolean {
  const cause = (status as Partial<RefusalStatus>).cause;
  return isCircuitOpenError(cause) || isBulkheadFullError(cause);
}

/**
 * An empty metadata of the same class as `metadata`: trailers for a status made here, built with
 * the class of whichever grpc-js the client uses, so they are what its caller expects.
 */
export function emptyLike(metadata: Metadata): Metadata {
  return new (metadata.constructor as new () => Metadata)();
}
