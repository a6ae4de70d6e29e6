import type { SharedCircuitState } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { decodeMessage, decodeState, encodeState, operatorMark } from './shared-state-codec.ts';

const open: SharedCircuitState = {
  version: 4,
  state: 'open',
  openedAt: 1_000,
  openUntil: 6_000,
  attempt: 2,
};

describe('the shared state codec', () => {
  it.each<SharedCircuitState>([
    open,
    { ...open, state: 'half-open' },
    { version: 0, state: 'closed' },
    { version: 9, state: 'forced-open' },
    { version: 1, state: 'disabled' },
  ])('round-trips $state', (state) => {
    expect(decodeState(encodeState(state))).toEqual(state);
    expect(decodeState(Buffer.from(encodeState(state)))).toEqual(state);
  });

  it('reads the closed state the trial script writes', () => {
    expect(decodeState('{"version":5,"state":"closed"}')).toEqual({ version: 5, state: 'closed' });
  });

  it("reads the mark of a state an operator's action wrote, and nothing else as one", () => {
    expect(decodeState(`{"version":7,"state":"disabled",${operatorMark}}`)).toEqual({
      version: 7,
      state: 'disabled',
      byOperator: true,
    });
    expect(decodeState('{"version":7,"state":"disabled","by":"someone"}')).toEqual({
      version: 7,
      state: 'disabled',
    });
  });

  it.each([
    '',
    'not json',
    'null',
    '{"state":"closed"}',
    '{"version":-1,"state":"closed"}',
    '{"version":1.5,"state":"closed"}',
    '{"version":1,"state":"ajar"}',
    '{"version":1,"state":"open","openedAt":0,"openUntil":1}',
    '{"version":1,"state":"open","openedAt":"0","openUntil":1,"attempt":1}',
    '{"version":1,"state":"open","openedAt":0,"openUntil":1,"attempt":0}',
  ])('refuses %j', (text) => {
    expect(decodeState(text)).toBeUndefined();
  });

  it('reads a message with its breaker name, and refuses a malformed one', () => {
    const text = `{"n":"pay\\/ments","s":${encodeState(open)}}`; // Lua's cjson escapes slashes
    expect(decodeMessage(text)).toEqual({ tag: 'pay/ments', state: open });
    expect(decodeMessage('{"n":1,"s":{"version":0,"state":"closed"}}')).toBeUndefined();
    expect(decodeMessage('{"n":"x","s":{"version":0}}')).toBeUndefined();
    expect(decodeMessage('}')).toBeUndefined();
  });
});
