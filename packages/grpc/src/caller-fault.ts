import type { StatusObject } from '@grpc/grpc-js';
import { grpcStatus } from './status-codes.ts';

// The details grpc-js gives the statuses it makes itself, on the client, for a fault of the
// caller's own. grpc-js marks them by nothing else. A request it cannot serialize reads the same
// from 1.8 to 1.14; the closed client's queued calls have ended since 1.11 (before, they waited);
// the send limit reads so in current versions — 1.8 says "Sent message larger than max", as a
// server does of its own too-large response, which cannot be told apart and is left a failure.
const serializationFailure = 'Request message serialization failure: ';
const closedBeforeStart = 'Channel closed before call started';
const overSendLimit = 'Attempted to send message with a size larger than ';

/**
 * Whether grpc-js ended the call on the client for a fault of the caller's own, before the
 * service had the request: a request message the client could not serialize (`INTERNAL`), one
 * larger than the client's own `grpc.max_send_message_length` (`RESOURCE_EXHAUSTED`), or the
 * client closed while the call still waited for a connection (`UNAVAILABLE`). None says anything
 * about the service, and counting them would let one caller's bug — or one client's shutdown —
 * open the circuit for every caller of the service.
 */
export function isCallerFault(status: StatusObject): boolean {
  const { code, details } = status;
  if (typeof details !== 'string') return false;
  switch (code) {
    case grpcStatus.INTERNAL:
      return details.startsWith(serializationFailure);
    case grpcStatus.RESOURCE_EXHAUSTED:
      return details.startsWith(overSendLimit);
    case grpcStatus.UNAVAILABLE:
      return details === closedBeforeStart;
    default:
      return false;
  }
}
