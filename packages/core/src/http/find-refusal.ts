import type { BulkheadFullError, CircuitOpenError } from '../errors.ts';
import { isRefusal } from './refusal-fallback.ts';

// How far down an error's `cause` chain a refusal is looked for: a client wraps it once or twice
// (got's RequestError, fetch's TypeError), and a cycle must end.
const maxCauseDepth = 5;

/**
 * The refusal by a breaker in `error`: the error itself, or a `CircuitOpenError` or
 * `BulkheadFullError` up to five levels down its `cause` chain (got and undici's fetch wrap the
 * refusal they were given; a framework may wrap it again). `undefined` when there is none — also
 * when reading the chain throws (a hostile getter or proxy), since a server adapter asks in an
 * error handler, where a throw would replace the error it was handling.
 */
export function findRefusal(error: unknown): CircuitOpenError | BulkheadFullError | undefined {
  try {
    let current = error;
    for (let depth = 0; depth <= maxCauseDepth; depth++) {
      if (isRefusal(current)) return current;
      if (typeof current !== 'object' || current === null || !('cause' in current)) {
        return undefined;
      }
      current = current.cause;
    }
  } catch {
    // Unreadable: not a refusal this adapter can answer.
  }
  return undefined;
}
