import type { SharedCircuitState } from '@tripswitch/core';
import { isFleetVersion } from './fleet-version.ts';

const dataless: ReadonlySet<string> = new Set(['closed', 'forced-open', 'disabled']);

/**
 * @internal A state as the fleet holds it, with whether an operator's action (isolate, disable
 * or reset) wrote it: a breaker follows such a state even from a version behind its own.
 */
export type FleetState = SharedCircuitState & { readonly byOperator?: true };

/** @internal What the store's script adds to the JSON of a state an operator's action wrote. */
export const operatorMark: string = '"by":"operator"';

/** The longest state JSON the store accepts; its own are under 150 bytes. */
export const maxStateLength: number = 512;

/**
 * The highest attempt a state may carry: 2^53. A breaker counts on from the attempt it follows
 * (a failed trial reopens at attempt + 1), so the attempts the store takes must hold every one a
 * breaker makes of them: 2^53 − 1 + 1 is 2^53, no safe integer, and 2^53 + 1 is 2^53 again. With
 * safe integers only, a breaker that followed 2^53 − 1 published a reopen every store refused:
 * the fleet stopped sharing its trials.
 */
const maxAttempt = 2 ** 53;

/** @internal A state as stored in Redis and published: JSON, keys in a fixed order. */
export function encodeState(state: SharedCircuitState): string {
  return `{"version":${state.version},${encodeStateBody(state)}}`;
}

/**
 * @internal The JSON of a state after its version (`"state":"open",...`): a script that decides
 * the version itself puts `{"version":<v>,` before it.
 */
export function encodeStateBody(state: SharedCircuitState): string {
  if (state.state === 'open' || state.state === 'half-open') {
    const { openedAt, openUntil, attempt } = state;
    return JSON.stringify({ state: state.state, openedAt, openUntil, attempt }).slice(1, -1);
  }
  return `"state":"${state.state}"`;
}

/**
 * @internal A state read from Redis or a message, or undefined when it is not one: whatever is in
 * Redis was written by someone, and a breaker must only ever adopt a well-formed state.
 */
export function decodeState(value: unknown): FleetState | undefined {
  const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString() : '';
  if (text === '' || text.length > maxStateLength) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return stateFrom(parsed);
}

/**
 * @internal What a transition message carries: the hash tag of a breaker's keys, which names it
 * (see `BreakerKeys.tag`), and its state.
 */
export interface TransitionMessage {
  readonly tag: string;
  readonly state: FleetState;
}

/** @internal The breaker's tag and state a transition message carries, or undefined. */
export function decodeMessage(text: string): TransitionMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { n, s } = parsed as { n?: unknown; s?: unknown };
  const state = stateFrom(s);
  return typeof n === 'string' && state !== undefined ? { tag: n, state } : undefined;
}

/** @internal Whether two states are the same, version aside. */
export function sameState(a: SharedCircuitState, b: SharedCircuitState): boolean {
  if (a.state !== b.state) return false;
  if ('openedAt' in a && 'openedAt' in b) {
    return a.openedAt === b.openedAt && a.openUntil === b.openUntil && a.attempt === b.attempt;
  }
  return true;
}

function stateFrom(value: unknown): FleetState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const state = sharedStateFrom(fields);
  return state !== undefined && fields.by === 'operator' ? { ...state, byOperator: true } : state;
}

function sharedStateFrom(value: Record<string, unknown>): SharedCircuitState | undefined {
  const { version, state, openedAt, openUntil, attempt } = value;
  if (!isFleetVersion(version) || typeof state !== 'string') return undefined;
  if (dataless.has(state)) {
    return { version, state } as SharedCircuitState;
  }
  if (
    (state === 'open' || state === 'half-open') &&
    Number.isFinite(openedAt) &&
    Number.isFinite(openUntil) &&
    (openUntil as number) >= (openedAt as number) &&
    Number.isInteger(attempt) &&
    (attempt as number) >= 1 &&
    (attempt as number) <= maxAttempt
  ) {
    return {
      version,
      state,
      openedAt: openedAt as number,
      openUntil: openUntil as number,
      attempt: attempt as number,
    };
  }
  return undefined;
}

/**
 * @internal The same checks in Lua (after {@link luaVersionRules}): `stored_state(v, st, s)`
 * returns the version when the three fields of a state hash make a well-formed state, else nil;
 * `by_operator(s)` whether a stored state's JSON is marked as an operator's, as decodeState
 * reads it.
 */
export const luaStateRules: string = `
local KINDS = {closed = 1, ['forced-open'] = 1, disabled = 1, open = 2, ['half-open'] = 2}
local function finite(x) return type(x) == 'number' and x == x and x ~= math.huge and x ~= -math.huge end
-- Whether a token outside the strings of a JSON text is one JSON.parse takes: a number in JSON's
-- own grammar, true, false or null.
local function json_token(t)
  if t == 'true' or t == 'false' or t == 'null' then return true end
  local p = string.match(t, '^%-?0()') or string.match(t, '^%-?[1-9]%d*()')
  if p == nil then return false end
  p = string.match(t, '^%.%d+()', p) or p
  p = string.match(t, '^[eE][%+%-]?%d+()', p) or p
  return p == #t + 1
end
-- cjson reads more than JSON.parse, which decodeState uses: numbers in hex, with leading zeros,
-- a '+' or a bare '.', inf and nan, control characters in strings. A state the scripts took and
-- the store could not read would be neither followed nor written over (a newer version would
-- freeze the breaker's sharing, unreported), so the scripts take only what JSON.parse takes (and
-- no control character at all, not even as whitespace: the store writes none).
local function plain_json(s)
  if string.find(s, '%c') then return false end
  local bare = string.gsub(string.gsub(s, [[\\.]], ''), '"[^"]*"', '')
  for token in string.gmatch(bare, '[^ {}%[%]:,]+') do
    if not json_token(token) then return false end
  end
  return true
end
local function stored_state(v, st, s)
  local version = version_of(v)
  if version == nil or type(st) ~= 'string' or type(s) ~= 'string' or #s > ${maxStateLength} then return nil end
  if not plain_json(s) then return nil end
  local kind = KINDS[st]
  if kind == nil then return nil end
  local ok, t = pcall(cjson.decode, s)
  if not ok or type(t) ~= 'table' or t.version ~= version or t.state ~= st then return nil end
  if kind == 2 then
    local a, u, n = t.openedAt, t.openUntil, t.attempt
    if not (finite(a) and finite(u) and u >= a and finite(n) and n >= 1 and n % 1 == 0 and n <= ${maxAttempt}) then
      return nil
    end
  end
  return version
end
local function by_operator(s)
  local ok, t = pcall(cjson.decode, s)
  return ok and type(t) == 'table' and t.by == 'operator'
end
`;
