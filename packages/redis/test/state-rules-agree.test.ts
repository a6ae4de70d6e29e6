// The scripts (Lua, cjson) and the store (decodeState, JSON.parse) must take the same texts for
// a state: one the scripts took and the store could not read was neither followed nor written
// over, and at a newer version it stopped the breaker's sharing, unreported. cjson reads hex,
// leading zeros, a '+', a bare '.', inf, nan and raw control characters; JSON.parse none of
// them. Against a real redis-server, with fixed cases and a property test over spellings.
import fc from 'fast-check';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readState } from '../src/scripts.ts';
import { decodeState } from '../src/shared-state-codec.ts';
import { adminClient } from './support/admin.ts';

const admin = adminClient(inject('redisUrl'));
afterAll(() => admin.disconnect());
const key = 'state-rules:{agree}:state';

/** Whether the read-state script takes `json` (stored as kind `kind` at version `v`) as a state. */
async function scriptTakes(v: string, kind: string, json: string): Promise<boolean> {
  await admin.del(key);
  await admin.hset(key, 'v', v, 'st', kind, 's', json);
  const [state] = (await admin.eval(readState.source, 1, key)) as [string, number];
  return state !== '';
}

function openState(version: string, openedAt: string, openUntil: string, attempt: string): string {
  return `{"version":${version},"state":"open","openedAt":${openedAt},"openUntil":${openUntil},"attempt":${attempt}}`;
}

describe('the scripts and decodeState', () => {
  it.each([
    ['a hex version', '{"version":0x3E8,"state":"closed"}', false],
    ['a version with a leading zero', '{"version":01000,"state":"closed"}', false],
    ['a version with a bare dot', '{"version":1000.,"state":"closed"}', false],
    ['an open time with a plus', openState('1000', '+1', '2', '1'), false],
    ['an attempt of inf', openState('1000', '1', '2', 'inf'), false],
    ['a field of nan', '{"version":1000,"state":"closed","x":nan}', false],
    ['a raw tab in a string', '{"version":1000,"state":"closed","x":"\t"}', false],
    ['escapes in a string', '{"version":1000,"state":"closed","x":"a\\"b\\\\\\u00e9"}', true],
    ['numbers in every JSON spelling', openState('1000', '-1.5E+3', '0.25e-1', '1'), true],
    ['nested fields', '{"version":1000,"state":"closed","x":[1,true,null,{"y":-0}]}', true],
    ['a space between fields', '{"version":1000, "state":"closed"}', true],
    // A breaker reopens at attempt + 1: 2^53 - 1 + 1 is 2^53, which both must take.
    ['an attempt of 2^53', openState('1000', '1', '2', '9007199254740992'), true],
    ['an attempt of 2^53 + 2', openState('1000', '1', '2', '9007199254740994'), false],
    ['an attempt of 1e300', openState('1000', '1', '2', '1e300'), false],
  ])('agree on state JSON with %s', async (_, json, valid) => {
    const kind = json.includes('"open"') ? 'open' : 'closed';
    expect(decodeState(json) !== undefined).toBe(valid);
    expect(await scriptTakes('1000', kind, json)).toBe(valid);
  });

  it('agree on random spellings of a state', async () => {
    const spelling = fc.oneof(
      fc.constantFrom('1', '1000', '1.5', '-2', '0', '-0', '2e3', '2E+3', '25e-1', '1.0'),
      fc.constantFrom('0x10', '01', '+1', '1.', '.5', 'inf', '-inf', 'nan', 'Infinity', '1e'),
      fc.integer().map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
    );
    const extra = fc.oneof(
      fc.constant(''),
      fc.constantFrom('"by":"operator"', '"x":"\t"', '"x":"\\n"', '"x":"\u0001"', '"x":null'),
      spelling.map((s) => `"x":${s}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('1000', '1', '0'),
        fc.constantFrom('closed', 'open', 'half-open'),
        spelling,
        spelling,
        spelling,
        extra,
        async (version, kind, openedAt, openUntil, attempt, more) => {
          const fields =
            kind === 'closed'
              ? ''
              : `,"openedAt":${openedAt},"openUntil":${openUntil},"attempt":${attempt}`;
          const tail = more === '' ? '' : `,${more}`;
          const json = `{"version":${version},"state":"${kind}"${fields}${tail}}`;
          expect(await scriptTakes(version, kind, json)).toBe(decodeState(json) !== undefined);
        },
      ),
      { numRuns: 300 },
    );
  });
});
