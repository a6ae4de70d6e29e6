import type { Request } from 'express';

// Symbol.for: the ESM and CommonJS builds of this package, both loaded in one process (an app
// that imports it, a library that requires it), must see each other's mark.
const guardedBy = Symbol.for('tripswitch.express.guarded');

/**
 * @internal Marks `req` as guarded by a breaker middleware, and tells whether it was already:
 * a request meets every middleware mounted on its path — `app.use('/payments', …)` and then an
 * app-wide `app.use(…)` — and is guarded by the first breaker it reaches only, so a failing
 * `/payments` opens the payments circuit and not the app's.
 */
export function claimRequest(req: Request): boolean {
  const marked = req as Request & { [guardedBy]?: true };
  if (marked[guardedBy] === true) return false;
  marked[guardedBy] = true;
  return true;
}
