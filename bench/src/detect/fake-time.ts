import { install } from '@sinonjs/fake-timers';

/** Fake time for a library that reads `Date.now()` and arms its own timers. */
export interface FakeTime {
  /** The fake time now, in milliseconds (the simulation's virtual time). */
  now(): number;
  /** Moves fake time to `time`, running every timer due by then, in order. */
  advanceTo(time: number): void;
  /** Puts the real timers back. */
  uninstall(): void;
}

/**
 * Replaces the global `Date`, `setTimeout`, `setInterval` and their `clear` functions with fake
 * ones starting at 0. `setImmediate`, `process.nextTick` and `queueMicrotask` stay real, so the
 * simulation can still flush promise reactions on the real event loop.
 */
export function installFakeTime(): FakeTime {
  const clock = install({
    now: 0,
    toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
  });
  return {
    now: () => clock.now,
    advanceTo(time) {
      if (time > clock.now) clock.tick(time - clock.now);
    },
    uninstall: () => clock.uninstall(),
  };
}
