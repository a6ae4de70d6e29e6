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
// Call credentials whose metadata generator failed, 1.8 to 1.14 alike: the code is the error's own
// (UNKNOWN without one), any code — but those a control plane may not give (OK, INVALID_ARGUMENT,
// NOT_FOUND …), which grpc-js makes INTERNAL, the details prefixed with the code it replaced.
const credentialsFailure = 'Getting metadata from plugin failed with error: ';
const restrictedCredentialsFailure = new RegExp(
  `^Invalid status from control plane: \\d+ [A-Z_]+ ${credentialsFailure}`,
);

/**
 * Whether grpc-js ended the call on the client for a fault of the caller's own, before the
 * service had the request: a request message the client could not serialize (`INTERNAL`), one
 * larger than the client's own `grpc.max_send_message_length` (`RESOURCE_EXHAUSTED`), the
 * client closed while the call still waited for a connection (`UNAVAILABLE`), or call
 * credentials whose metadata generator failed (per call or the channel's; the error's own code).
 * None says anything about the service, and counting them would let one caller's bug — one
 * user's expired token, one client's shutdown — open the circuit for every caller of the service.
 */
export function isCallerFault(status: StatusObject): boolean {
  const { code, details } = status;
  if (typeof details !== 'string') return false;
  if (code !== grpcStatus.OK && details.startsWith(credentialsFailure)) return true;
  switch (code) {
    case grpcStatus.INTERNAL:
      return details.startsWith(serializationFailure) || restrictedCredentialsFailure.test(details);
    case grpcStatus.RESOURCE_EXHAUSTED:
      return details.startsWith(overSendLimit);
    case grpcStatus.UNAVAILABLE:
      return details === closedBeforeStart;
    default:
      return false;
  }
}
