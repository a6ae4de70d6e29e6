import type { Metadata, StatusObject } from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { isCallerFault } from './caller-fault.ts';

function status(code: number, details: unknown): StatusObject {
  return { code, details: details as string, metadata: {} as Metadata };
}

it.each([
  [13, 'Request message serialization failure: expected object, got array instead'],
  [8, 'Attempted to send message with a size larger than 4194304'],
  [14, 'Channel closed before call started'],
  // Call credentials that failed: the code is their error's own, whatever it is (UNKNOWN without
  // one) — or INTERNAL for one a control plane may not give, the code it replaced in the details.
  [2, 'Getting metadata from plugin failed with error: token revoked'],
  [16, 'Getting metadata from plugin failed with error: token revoked'],
  [14, 'Getting metadata from plugin failed with error: token service down'],
  [1, 'Getting metadata from plugin failed with error: aborted'],
  [4, 'Getting metadata from plugin failed with error: token fetch timed out'],
  [99, 'Getting metadata from plugin failed with error: '],
  [
    13,
    'Invalid status from control plane: 5 NOT_FOUND Getting metadata from plugin failed with error: x',
  ],
  [13, 'Invalid status from control plane: 0 OK Getting metadata from plugin failed with error: x'],
])('status %i %j is the caller’s own fault', (code, details) => {
  expect(isCallerFault(status(code, details))).toBe(true);
});

it.each([
  // The same words with another code, or other words: the service's (or the network's) answers.
  [14, 'Request message serialization failure: x'],
  [13, 'Channel closed before call started'],
  [13, 'Response message parsing error: bad bytes'],
  [8, 'Sent message larger than max (5000 vs. 4096)'],
  [14, 'Channel closed before call started, and more'],
  [14, 'No connection established'],
  [0, 'OK'],
  [0, 'Getting metadata from plugin failed with error: x'],
  [
    14,
    'Invalid status from control plane: 5 NOT_FOUND Getting metadata from plugin failed with error: x',
  ],
  // A status grpc-js restricts for another reason (name resolution, a load balancer's drop).
  [13, 'Invalid status from control plane: 3 INVALID_ARGUMENT Failed to route call to method /a/b'],
  [14, 'upstream said: Getting metadata from plugin failed with error: x'],
  // Details that are not a string are never the caller's fault, and never throw.
  [13, Object.create(null)],
  [14, Symbol('details')],
  [14, undefined],
])('status %i %j is not', (code, details) => {
  expect(isCallerFault(status(code, details))).toBe(false);
});
