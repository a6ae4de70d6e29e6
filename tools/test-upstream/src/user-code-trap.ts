import type { RequestListener } from 'node:http';
import { ok } from './index.ts';

/**
 * Time for the breakers, and a trap that makes the next piece of user code that springs it throw,
 * once: put `spring()` in a breaker's clock or `isFailure`, and arm the trap from the upstream
 * (`armsTrap`), so the code that throws is the judging of that very request.
 */
export interface UserCodeTrap {
  time: number;
  armed: boolean;
  /** Throws `Error('user code broke')` if armed, and disarms. */
  spring(): void;
}

/** A disarmed trap at time 0. */
export function userCodeTrap(): UserCodeTrap {
  const trap: UserCodeTrap = {
    time: 0,
    armed: false,
    spring() {
      if (!trap.armed) return;
      trap.armed = false;
      throw new Error('user code broke');
    },
  };
  return trap;
}

/** An upstream handler that answers 200 after arming `trap`. */
export function armsTrap(trap: UserCodeTrap): RequestListener {
  return (request, response) => {
    trap.armed = true;
    ok(request, response);
  };
}
