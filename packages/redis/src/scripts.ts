import { createHash } from 'node:crypto';

/** @internal A Lua script and its SHA-1, for EVALSHA. */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

// Every script touches only the keys it is given, all of one breaker (one hash tag, one cluster
// slot), and refreshes the expiry of what it writes. A state write also clears the trial leases
// and successes of the state it replaces, and publishes the new state with the breaker's name.
const writeState = `
local function write_state(version, kind, json)
  redis.call('HSET', KEYS[1], 'v', version, 'st', kind, 's', json, 'ok', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[7])
  redis.call('DEL', KEYS[2])
  redis.call('PUBLISH', ARGV[5], '{"n":' .. cjson.encode(ARGV[6]) .. ',"s":' .. json .. '}')
end
`;

/**
 * Compare-and-set of a breaker's state. KEYS: state, trials. ARGV: expected version, version,
 * kind, state JSON, channel, name, state TTL (ms). Writes (and publishes) the state when the
 * stored version is at most the expected one — or there is none, after an expiry or a FLUSHALL —
 * and returns {1}; otherwise returns {0, stored state JSON}. A breaker publishing a change passes
 * its version before the change; one seeding its state passes its version minus one, so it only
 * replaces an older state.
 */
export const putState: Script = script(
  'put-state',
  `${writeState}
local stored = tonumber(redis.call('HGET', KEYS[1], 'v') or '-1')
if stored > tonumber(ARGV[1]) then
  return {0, redis.call('HGET', KEYS[1], 's')}
end
write_state(ARGV[2], ARGV[3], ARGV[4])
return {1}
`,
);

/**
 * Grants one half-open trial, fleet-wide. KEYS: state, trials. ARGV: version of the half-open
 * state, halfOpenMaxCalls, lease (ms), state TTL (ms). Leases that expired (their holder died or
 * hung) are dropped first; a trial is granted while live leases plus successes stay below
 * halfOpenMaxCalls. Returns {1, lease id}, {0} when the trials are all out, {-1} when there is no
 * state, {-2, stored state JSON} when the stored state is not that half-open one.
 */
export const takeTrial: Script = script(
  'take-trial',
  `
local fields = redis.call('HMGET', KEYS[1], 'v', 'st', 'ok', 's')
if not fields[1] then return {-1} end
if tonumber(fields[1]) ~= tonumber(ARGV[1]) or fields[2] ~= 'half-open' then
  return {-2, fields[4]}
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) + tonumber(fields[3] or '0') >= tonumber(ARGV[2]) then
  return {0}
end
local id = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), id)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {1, id}
`,
);

/**
 * Settles a trial lease. KEYS: state, trials. ARGV: version, lease id, outcome (success, failure,
 * ignored), halfOpenMaxCalls, channel, name, state TTL (ms). The lease is given back; a success of
 * the current half-open state is counted, and the one that brings the successes to
 * halfOpenMaxCalls writes and publishes `closed` at the next version: returns {1, its JSON}.
 * Otherwise returns {0}.
 */
export const settleTrial: Script = script(
  'settle-trial',
  `${writeState}
local fields = redis.call('HMGET', KEYS[1], 'v', 'st')
if tonumber(fields[1]) ~= tonumber(ARGV[1]) then return {0} end
redis.call('ZREM', KEYS[2], ARGV[2])
if ARGV[3] ~= 'success' or fields[2] ~= 'half-open' then return {0} end
if redis.call('HINCRBY', KEYS[1], 'ok', 1) < tonumber(ARGV[4]) then return {0} end
local version = string.format('%d', tonumber(fields[1]) + 1)
local json = '{"version":' .. version .. ',"state":"closed"}'
write_state(version, 'closed', json)
return {1, json}
`,
);

/**
 * Adds a batch of outcome counts and reads the window back. KEYS: state, then the window's bucket
 * keys, oldest first. ARGV: bucket TTL (ms), state TTL (ms), then calls, failures and slow calls
 * to add to each bucket. Returns the state JSON ('' when there is none) followed by calls,
 * failures and slow calls of every bucket. A breaker that counts keeps its state from expiring.
 */
export const flushCounts: Script = script(
  'flush-counts',
  `
local state = redis.call('HGET', KEYS[1], 's') or ''
if state ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local out = {state}
for i = 2, #KEYS do
  local at = 3 + (i - 2) * 3
  local calls = tonumber(ARGV[at])
  if calls > 0 then
    redis.call('HINCRBY', KEYS[i], 'c', calls)
    local failures, slow = tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2])
    if failures > 0 then redis.call('HINCRBY', KEYS[i], 'f', failures) end
    if slow > 0 then redis.call('HINCRBY', KEYS[i], 's', slow) end
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
  end
  local counts = redis.call('HMGET', KEYS[i], 'c', 'f', 's')
  out[#out + 1] = tonumber(counts[1] or '0')
  out[#out + 1] = tonumber(counts[2] or '0')
  out[#out + 1] = tonumber(counts[3] or '0')
end
return out
`,
);
