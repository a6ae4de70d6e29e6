import { createHash } from 'node:crypto';
import { luaVersionRules } from './fleet-version.ts';
import type { BreakerKeys } from './keys.ts';
import type { Settings } from './options.ts';
import { luaStateRules, operatorMark } from './shared-state-codec.ts';

/** @internal A Lua script and its SHA-1, for EVALSHA. */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

// What every script starts with: the version and state rules, and how to read a hash that
// anyone may have written. Whatever is found — a field that is no number, JSON that is no
// state, a key of another type — is treated as absent, so that a bad key harms only its own
// breaker: the script never fails on it (that would look like Redis failing), it reports it
// (`bad` = 1 in the reply) and the store writes the breaker's state over it.
const prelude = `${luaVersionRules}${luaStateRules}
local MAX_COUNT = 9007199254740991
local function count_of(text)
  if not text then return 0 end
  if type(text) ~= 'string' or #text > 16 or not string.match(text, '^%d+$') then return nil end
  local n = tonumber(text)
  if n > MAX_COUNT then return nil end
  return n
end
-- HMGET that survives a key of the wrong type: the key is this breaker's own, so it goes.
local function hmget(key, ...)
  local r = redis.pcall('HMGET', key, ...)
  if type(r) == 'table' and r.err then
    redis.call('DEL', key)
    return {}, 1
  end
  return r, 0
end
local function some(r, i, j)
  for k = i, j do if r[k] then return true end end
  return false
end
`;

/**
 * @internal How a transition message names its breaker, as the scripts that publish it take it:
 * the breaker's hash tag ({@link BreakerKeys.tag}: short, and with no lone surrogate, which UTF-8
 * would make U+FFFD), as JSON, which the script puts in the message as it is.
 */
export function tagArg(keys: BreakerKeys): string {
  return JSON.stringify(keys.tag);
}

function script(name: string, body: string): Script {
  const source = `${prelude}${body}`;
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

// A state write also clears the trial leases and successes of the state it replaces, refreshes
// the expiry, and publishes the new state with the breaker's hash tag, which names it and comes
// as JSON ({@link tagArg}). KEYS: state, trials.
const writeState = `
local function write_state(version, kind, body, channel, tag_json, ttl)
  local v = string.format('%d', version)
  local json = '{"version":' .. v .. ',' .. body .. '}'
  redis.call('HSET', KEYS[1], 'v', v, 'st', kind, 's', json, 'ok', 0)
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('DEL', KEYS[2])
  redis.call('PUBLISH', channel, '{"n":' .. tag_json .. ',"s":' .. json .. '}')
  return json
end
`;

/**
 * @internal How {@link putState} writes: `'transition'` a breaker's own transition (or its state
 * put back after one), `'repair'` a confirmed state put back over nothing or an older state,
 * `'operator'` an operator's action.
 */
export type PutMode = 'transition' | 'repair' | 'operator';

/** @internal The ARGV of each {@link PutMode}. */
export const putModeArg: Readonly<Record<PutMode, string>> = {
  transition: '0',
  operator: '1',
  repair: '2',
};

/**
 * Writes a breaker's state. KEYS: state, trials. ARGV: expected version, the state's JSON after
 * its version, kind, channel, tag ({@link tagArg}), state TTL (ms), mode ({@link putModeArg}).
 *
 * Unforced (a transition the breaker made, or its state put back): a compare-and-set. The state
 * is written at the version after the expected one when Redis holds the expected version, an
 * older one, none, or something that is not a state; Redis's state wins when it is newer or
 * unrelated (see fleet-version.ts). A repair (a confirmed state put back over nothing or an
 * older state, as last read) also yields to any operator's state: one that landed since the
 * read, written by a process behind this one, is what every process follows. Forced (an
 * operator's isolate, disable or reset): always written, at the version after the newer of the
 * expected and the stored one, and marked as an operator's, so that every process takes it,
 * whatever was written before: a process whose breaker stands at a newer version than the
 * writer knew of (one it read before the stored state was lost or overwritten) follows a marked
 * state even when it is older.
 *
 * Returns {1, version written, bad} or {0, stored JSON, bad}.
 */
export const putState: Script = script(
  'put-state',
  `${writeState}
local r, bad = hmget(KEYS[1], 'v', 'st', 's')
local stored = stored_state(r[1], r[2], r[3])
if stored == nil and some(r, 1, 3) then bad = 1 end
local expected, forced, body = tonumber(ARGV[1]), ARGV[7] == '${putModeArg.operator}', ARGV[2]
local version = next_version(expected)
if stored ~= nil then
  local order = compare(stored, expected)
  if order == 1 or order == 2 or (ARGV[7] == '${putModeArg.repair}' and by_operator(r[3])) then
    if not forced then return {0, r[3], bad} end
    version = next_version(stored)
  end
end
if forced then body = body .. ',${operatorMark}' end
write_state(version, ARGV[3], body, ARGV[4], ARGV[5], ARGV[6])
return {1, version, bad}
`,
);

/**
 * Reads a breaker's state. KEYS: state. Returns {state JSON or '', bad}.
 */
export const readState: Script = script(
  'read-state',
  `
local r, bad = hmget(KEYS[1], 'v', 'st', 's')
if stored_state(r[1], r[2], r[3]) ~= nil then return {r[3], bad} end
if some(r, 1, 3) then bad = 1 end
return {'', bad}
`,
);

/**
 * Grants one half-open trial, fleet-wide. KEYS: state, trials. ARGV: version of the half-open
 * state, halfOpenMaxCalls, lease (ms), state TTL (ms). A trial is granted while the leases live
 * now plus the successes stay below halfOpenMaxCalls; a lease counts only until it expires and
 * only if it expires within one lease from now, so leases written by anyone else cannot hold
 * the trials for longer, and successes of halfOpenMaxCalls or more (which no store leaves in a
 * half-open state) count as none. Each lease gets an id no live lease has. Returns {1, lease id,
 * bad}, {0, '', bad} when the trials are all out, {-1, '', bad} when there is no state, {-2,
 * stored JSON, bad} when the stored state is not that half-open one.
 */
export const takeTrial: Script = script(
  'take-trial',
  `
local r, bad = hmget(KEYS[1], 'v', 'st', 's', 'ok', 'seq')
local stored = stored_state(r[1], r[2], r[3])
if stored == nil then
  if some(r, 1, 3) then bad = 1 end
  return {-1, '', bad}
end
if stored ~= tonumber(ARGV[1]) or r[2] ~= 'half-open' then return {-2, r[3], bad} end
local max = tonumber(ARGV[2])
local ok, seq = count_of(r[4]), count_of(r[5])
-- Successes reach halfOpenMaxCalls only in the settle that closes the circuit, so more in a
-- half-open state were written by someone else. Taken as they are, they would refuse every
-- trial for as long as the state lasts: a circuit held half-open, refusing every call, with no
-- trial to end it. Like any bad field, they are treated as absent.
if ok ~= nil and ok >= max then ok = nil end
if ok == nil or seq == nil then
  bad = 1
  ok, seq = ok or 0, seq or 0
  redis.call('HSET', KEYS[1], 'ok', ok, 'seq', seq)
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lease = tonumber(ARGV[3])
local live = redis.pcall('ZCOUNT', KEYS[2], '(' .. now, now + lease)
if type(live) == 'table' and live.err then
  redis.call('DEL', KEYS[2])
  live, bad = 0, 1
end
if live + ok >= max then return {0, '', bad} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '(' .. (now + lease), '+inf')
-- A lease id must be out once only: the sequence may have been set back (written by anyone, or
-- reset above) behind leases still out, and a plain ZADD of a taken id would only move that
-- lease's expiry — one trial more would go out than the leases count, and settling either
-- would give back the other's. The leases left are the live ones, so of live + 1 ids in a row
-- one is free. The sequence wraps below 2^53, where each id is still exact: past it,
-- seq + 1 would round to seq.
local id
for _ = 0, live do
  seq = seq % MAX_COUNT + 1
  id = string.format('%d', seq)
  if redis.call('ZADD', KEYS[2], 'NX', now + lease, id) == 1 then break end
  bad = 1
end
redis.call('HSET', KEYS[1], 'seq', id)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {1, id, bad}
`,
);

/**
 * Settles a trial lease. KEYS: state, trials. ARGV: version, lease id, outcome (success,
 * failure, ignored), halfOpenMaxCalls, channel, tag ({@link tagArg}), state TTL (ms). The
 * lease is given back; a success of the current half-open state is counted, and the one that
 * brings the successes to halfOpenMaxCalls writes and publishes `closed` at the next version:
 * returns {1, its JSON, bad}. Otherwise returns {0, '', bad}. Successes that are no count, or
 * halfOpenMaxCalls or more (see takeTrial), count as none, like any bad field, and are reported:
 * taken as they were, they would close the circuit after one trial, or hold it half-open, as
 * silently as a number written back.
 */
export const settleTrial: Script = script(
  'settle-trial',
  `${writeState}
local r, bad = hmget(KEYS[1], 'v', 'st', 's', 'ok')
local stored = stored_state(r[1], r[2], r[3])
if stored == nil or stored ~= tonumber(ARGV[1]) then return {0, '', bad} end
local gone = redis.pcall('ZREM', KEYS[2], ARGV[2])
if type(gone) == 'table' and gone.err then
  redis.call('DEL', KEYS[2])
  bad = 1
end
if ARGV[3] ~= 'success' or r[2] ~= 'half-open' then return {0, '', bad} end
local max = tonumber(ARGV[4])
local ok = count_of(r[4])
if ok == nil or ok >= max then
  ok, bad = 0, 1
end
ok = ok + 1
if ok < max then
  redis.call('HSET', KEYS[1], 'ok', ok)
  return {0, '', bad}
end
return {1, write_state(next_version(stored), 'closed', '"state":"closed"', ARGV[5], ARGV[6], ARGV[7]), bad}
`,
);

/**
 * Adds the outcome counts of many breakers and reads their state and window back, in one
 * script. KEYS: the state hashes (each breaker's counts live in its state hash, in a ring of
 * `b<slot>` fields holding `index:calls:failures:slow`). ARGV: state TTL (ms), buckets in the
 * window, slots in the ring, buckets between expiry refreshes of a state, the TTL (ms) of a key
 * that holds only counts, buckets between its refreshes; then for each key: the window's first
 * bucket index, the number n of buckets with counts to add, and n times (index, calls, failures,
 * slow calls).
 *
 * A key with a state lives for the state's TTL after its last count or read. A key that holds
 * only counts (a breaker that never changed state) lives only as long as its last counts are in
 * the window ({@link flushCountsArgs}), refreshed by counting alone: the names of a flood of
 * per-key breakers leave Redis as soon as they are no longer counted to, however many there were.
 *
 * Per breaker: one HMGET, one HSET when there is something to add, and a PEXPIRE once every
 * refresh period. Returns, for each key, {state JSON or '', the window's calls, failures and slow
 * calls per bucket (oldest first, comma-separated), bad}.
 */
export const flushCounts: Script = script(
  'flush-counts',
  `
local state_ttl, buckets, ring, state_refresh = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local counts_ttl, counts_refresh = tonumber(ARGV[5]), tonumber(ARGV[6])
local out = {}
local at = 7
for k = 1, #KEYS do
  local key = KEYS[k]
  local first, n = tonumber(ARGV[at]), tonumber(ARGV[at + 1])
  at = at + 2
  local fields = {'v', 'st', 's', 't'}
  for i = 0, buckets - 1 do fields[5 + i] = 'b' .. ((first + i) % ring) end
  local r, bad = hmget(key, unpack(fields))
  local state = ''
  if stored_state(r[1], r[2], r[3]) ~= nil then
    state = r[3]
  elseif some(r, 1, 3) then
    bad = 1
  end
  local counts, writes, present = {}, {}, state ~= ''
  for i = 0, buckets - 1 do
    local c, f, s = 0, 0, 0
    local slot = r[5 + i]
    if slot then
      present = true
      local index, sc, sf, ss = string.match(slot, '^(%-?%d+):(%d+):(%d+):(%d+)$')
      local ci, cf, cs = count_of(sc), count_of(sf), count_of(ss)
      -- No bucket the store writes has more failures or slow calls than calls (they would make
      -- a rate past 100 %), nor an index of more than 16 digits (past 2^53, which no clock reaches).
      if index == nil or #index > 17 or ci == nil or cf == nil or cs == nil or cf > ci or cs > ci then
        bad = 1
        writes[#writes + 1] = fields[5 + i]
        writes[#writes + 1] = string.format('%d:0:0:0', first + i)
      elseif tonumber(index) == first + i then
        c, f, s = ci, cf, cs
      end
    end
    counts[3 * i + 1], counts[3 * i + 2], counts[3 * i + 3] = c, f, s
  end
  for j = 1, n do
    local index = tonumber(ARGV[at])
    local i = index - first
    if i >= 0 and i < buckets then
      local c = counts[3 * i + 1] + tonumber(ARGV[at + 1])
      local f = counts[3 * i + 2] + tonumber(ARGV[at + 2])
      local s = counts[3 * i + 3] + tonumber(ARGV[at + 3])
      counts[3 * i + 1], counts[3 * i + 2], counts[3 * i + 3] = c, f, s
      writes[#writes + 1] = fields[5 + i]
      writes[#writes + 1] = string.format('%d:%d:%d:%d', index, c, f, s)
    end
    at = at + 4
  end
  local refreshed = nil
  if r[4] then
    if #r[4] <= 17 and string.match(r[4], '^%-?%d+$') then refreshed = tonumber(r[4]) else bad = 1 end
  end
  local ttl, refresh, alive = state_ttl, state_refresh, present or #writes > 0
  if state == '' then ttl, refresh, alive = counts_ttl, counts_refresh, #writes > 0 end
  local due = alive and
    (refreshed == nil or refreshed > first + buckets or first - refreshed >= refresh)
  if due then
    writes[#writes + 1] = 't'
    writes[#writes + 1] = string.format('%d', first)
  end
  if #writes > 0 then redis.call('HSET', key, unpack(writes)) end
  if due then redis.call('PEXPIRE', key, ttl) end
  out[k] = {state, table.concat(counts, ','), bad}
end
return out
`,
);

/**
 * @internal The ARGV of {@link flushCounts} before its per-key part. A state's expiry is
 * refreshed about once a minute, well within its TTL. A key that holds only counts is refreshed
 * every half window, and lives a window and one refresh period past it, so that it outlives the
 * last counts it was given until they have left the window.
 */
export function flushCountsArgs(settings: Settings): number[] {
  const { stateTtlMs, windowMs, buckets, bucketMs } = settings;
  const stateRefresh = Math.max(1, Math.floor(Math.min(60_000, stateTtlMs / 4) / bucketMs));
  const countsRefresh = Math.max(1, Math.floor(buckets / 2));
  const countsTtlMs = windowMs + (countsRefresh + 1) * bucketMs;
  return [stateTtlMs, buckets, buckets + 1, stateRefresh, countsTtlMs, countsRefresh];
}
