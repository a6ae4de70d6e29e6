// The messages between a test and a fleet member (a child process with its own client, store
// and breaker); see member.ts.
import type { BreakerEvents, BreakerSnapshot, CircuitBreakerOptions } from '@tripswitch/core';
import type { RedisBreakerStoreOptions } from '../../src/index.ts';
import type { ClientKind } from './clients.ts';

export interface MemberInit {
  kind: ClientKind;
  url: string;
  store: Omit<RedisBreakerStoreOptions, 'client'>;
}

export type BreakerOptions = Omit<CircuitBreakerOptions, 'name' | 'store' | 'clock' | 'fallback'>;

export type MemberRequest =
  | { op: 'init'; init: MemberInit }
  | { op: 'breaker'; name: string; options: BreakerOptions }
  | { op: 'fail'; name: string; count: number }
  | { op: 'isolate' | 'reset' | 'disable'; name: string }
  | { op: 'burst' | 'burst-count' | 'burst-stop'; name: string }
  | { op: 'settle'; name: string; outcome: 'success' | 'failure' }
  | { op: 'state'; name: string }
  | { op: 'soak'; name: string; durationMs: number; callsPerTick: number; tickMs: number }
  | { op: 'close' };

export interface MemberState {
  state: string;
  snapshot: BreakerSnapshot;
  inFlight: number;
  available: boolean;
}

export interface SoakTotals {
  calls: number;
  failures: number;
  slowCalls: number;
  rejected: number;
  errors: number;
}

/** What a member tells the test without being asked. */
export type MemberEvent =
  | {
      event: 'stateChange';
      change: BreakerEvents['stateChange'];
      /** When it happened: milliseconds on the machine's monotonic clock (`process.hrtime`). */
      at: number;
      /** Whether the breaker refused a call right after. */
      refuses: boolean;
    }
  | { event: 'storeError' | 'storeRecovered' };

export type MemberReply = { id: number; result?: unknown; error?: string };
