import type { CallOptions, Deadline } from '@grpc/grpc-js';

// grpc-js's Propagate.DEADLINE, and the flags a call propagates from its parent by default.
const propagateDeadline = 1;
const propagateDefaults = 0xffff;

/**
 * Whether a call's deadline has already passed as it starts: its own `deadline`, or its parent's
 * when it propagates it (grpc-js takes the earlier). grpc-js then fails the call with
 * `DEADLINE_EXCEEDED` without sending anything, which says nothing about the service (a gateway
 * whose own caller waited too long), so such a call goes around the breaker. Deadlines are
 * wall-clock times, as grpc-js reads them; the clock is read only when a call has one.
 */
export function deadlinePassed(options: CallOptions): boolean {
  let deadline = millisecondsOf(options.deadline);
  const { parent } = options;
  if (
    parent !== undefined &&
    ((options.propagate_flags ?? propagateDefaults) & propagateDeadline) !== 0
  ) {
    deadline = Math.min(deadline, millisecondsOf(parent.getDeadline()));
  }
  return deadline !== Number.POSITIVE_INFINITY && deadline - Date.now() <= 0;
}

function millisecondsOf(deadline: Deadline | undefined): number {
  if (deadline === undefined) return Number.POSITIVE_INFINITY;
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  // grpc-js treats a deadline it cannot read as none.
  return typeof ms === 'number' && !Number.isNaN(ms) ? ms : Number.POSITIVE_INFINITY;
}
