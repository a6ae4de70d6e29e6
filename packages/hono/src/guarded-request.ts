import type { Context } from 'hono';

// Symbol.for: the ESM and CommonJS builds of this package, both loaded in one process, must see
// each other's mark.
const guardedBy = Symbol.for('tripswitch.hono.guarded');

type Marked = Context & { [guardedBy]?: true };

/**
 * @internal Whether the request of `c` is guarded by a breaker middleware already. A request
 * meets every middleware whose path it matches — `app.use('/payments/*', …)` and an app-wide
 * `app.use(…)` — and is guarded by the first breaker it reaches only, so a failing `/payments`
 * opens the payments circuit and not the app's (as in the Express and Fastify adapters).
 */
export function isGuarded(c: Context): boolean {
  return (c as Marked)[guardedBy] === true;
}

/** @internal Marks the request of `c` as guarded; see {@link isGuarded}. */
export function markGuarded(c: Context): void {
  (c as Marked)[guardedBy] = true;
}
