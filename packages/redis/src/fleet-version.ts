/**
 * @internal The fleet's version numbers: which of two states is newer. Anyone who can write to
 * Redis can write any version, so no version may be the last word: versions live on a ring of
 * 2^32 and are compared as serial numbers (as in RFC 1982), so every version has a successor that
 * is newer. A version more than 2^20 steps ahead or behind is *unrelated*: no honest process is
 * that far from the fleet, and the store then follows Redis, whose state every process reads.
 *
 * The rules exist twice, once here and once in Lua for the scripts ({@link luaVersionRules});
 * the tests check that both agree.
 */

/** How many versions there are: 0 to 2^32 − 1, then 0 again. */
export const versionSpace: number = 2 ** 32;

/** The farthest apart two related versions are. */
export const versionReach: number = 2 ** 20;

/** How version `a` stands to version `b`. */
export type VersionOrder = 'same' | 'newer' | 'older' | 'unrelated';

/** @internal Whether `value` is a fleet version: an integer in [0, 2^32). */
export function isFleetVersion(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) < versionSpace;
}

/** @internal The version after `version`, on the ring. */
export function nextVersion(version: number): number {
  return (version + 1) % versionSpace;
}

/** @internal `version` moved by `steps` (which may be negative), on the ring. */
export function shiftVersion(version: number, steps: number): number {
  return (((version + steps) % versionSpace) + versionSpace) % versionSpace;
}

/** @internal How version `a` stands to version `b`. */
export function compareVersions(a: number, b: number): VersionOrder {
  if (a === b) return 'same';
  const ahead = shiftVersion(a, -b);
  if (ahead <= versionReach) return 'newer';
  if (versionSpace - ahead <= versionReach) return 'older';
  return 'unrelated';
}

/**
 * @internal The same rules in Lua, for the scripts: `version_of(text)` reads a stored version
 * (nil unless it is one), `compare(a, b)` returns 0 same, 1 newer, -1 older, 2 unrelated, and
 * `next_version(v)` steps on.
 */
export const luaVersionRules: string = `
local SPACE, REACH = ${versionSpace}, ${versionReach}
local function version_of(text)
  if type(text) ~= 'string' or #text > 10 or not string.match(text, '^%d+$') then return nil end
  local n = tonumber(text)
  if n >= SPACE then return nil end
  return n
end
local function next_version(v) return (v + 1) % SPACE end
local function compare(a, b)
  if a == b then return 0 end
  local ahead = (a - b) % SPACE
  if ahead <= REACH then return 1 end
  if SPACE - ahead <= REACH then return -1 end
  return 2
end
`;
