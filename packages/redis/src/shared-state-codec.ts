import type { SharedCircuitState } from '@tripswitch/core';

const dataless: ReadonlySet<string> = new Set(['closed', 'forced-open', 'disabled']);

/** @internal A state as stored in Redis and published: JSON, keys in a fixed order. */
export function encodeState(state: SharedCircuitState): string {
  if (state.state === 'open' || state.state === 'half-open') {
    const { version, openedAt, openUntil, attempt } = state;
    return JSON.stringify({ version, state: state.state, openedAt, openUntil, attempt });
  }
  return JSON.stringify({ version: state.version, state: state.state });
}

/**
 * @internal A state read from Redis or a message, or undefined when it is not one: whatever is in
 * Redis was written by someone, and a breaker must only ever adopt a well-formed state.
 */
export function decodeState(value: unknown): SharedCircuitState | undefined {
  const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString() : '';
  if (text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return stateFrom(parsed);
}

/** @internal The breaker name and state a transition message carries, or undefined. */
export function decodeMessage(
  text: string,
): { name: string; state: SharedCircuitState } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { n, s } = parsed as { n?: unknown; s?: unknown };
  const state = stateFrom(s);
  return typeof n === 'string' && state !== undefined ? { name: n, state } : undefined;
}

function stateFrom(value: unknown): SharedCircuitState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { version, state, openedAt, openUntil, attempt } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(version) || (version as number) < 0) return undefined;
  if (typeof state !== 'string') return undefined;
  if (dataless.has(state)) {
    return { version, state } as SharedCircuitState;
  }
  if (
    (state === 'open' || state === 'half-open') &&
    Number.isFinite(openedAt) &&
    Number.isFinite(openUntil) &&
    Number.isSafeInteger(attempt) &&
    (attempt as number) >= 1
  ) {
    return {
      version: version as number,
      state,
      openedAt: openedAt as number,
      openUntil: openUntil as number,
      attempt: attempt as number,
    };
  }
  return undefined;
}
