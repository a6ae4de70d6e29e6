import type { FetchInput } from './fetch-options.ts';

/**
 * The signal that cancels a call, as `fetch` picks it: `init.signal` when given (`null` for
 * none), else the input `Request`'s own.
 */
export function signalOf(
  input: FetchInput,
  init: RequestInit | undefined,
): AbortSignal | null | undefined {
  if (init?.signal !== undefined) return init.signal;
  return typeof input === 'string' || 'href' in input ? undefined : input.signal;
}

/** `init` without its `breaker` flag, which means nothing to the `fetch` underneath. */
export function withoutBreakerFlag(init: RequestInit): RequestInit {
  const { breaker: _flag, ...rest } = init;
  return rest;
}
