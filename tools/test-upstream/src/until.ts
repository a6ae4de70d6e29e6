/**
 * Resolves once `condition` holds, checking it once per turn of the event loop: for a state no
 * event announces (a call waiting in a bulkhead queue). No timer and no time limit of its own: it
 * waits on nothing but I/O, and the test's own limit catches a condition that never comes.
 */
export function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (condition()) resolve();
      else setImmediate(check);
    };
    check();
  });
}
