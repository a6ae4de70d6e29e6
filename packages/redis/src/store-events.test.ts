import { describe, expect, it, vi } from 'vitest';
import { StoreListeners } from './store-events.ts';

describe('StoreListeners', () => {
  it('calls listeners in order until they unsubscribe', () => {
    const listeners = new StoreListeners();
    const seen: string[] = [];
    const off = listeners.add('storeError', ({ error }) => seen.push(`a:${String(error)}`));
    listeners.add('storeError', ({ error }) => seen.push(`b:${String(error)}`));
    listeners.emit('storeError', { error: 'x' });
    off();
    off();
    listeners.emit('storeError', { error: 'y' });
    listeners.emit('storeRecovered', { unavailableMs: 1 });
    expect(seen).toEqual(['a:x', 'b:x', 'b:y']);
  });

  it('reports a listener that throws and goes on', () => {
    const listeners = new StoreListeners();
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    const after = vi.fn();
    listeners.add('storeRecovered', () => {
      throw new Error('listener bug');
    });
    listeners.add('storeRecovered', after);
    listeners.emit('storeRecovered', { unavailableMs: 5 });
    expect(after).toHaveBeenCalledWith({ unavailableMs: 5 });
    expect(report).toHaveBeenCalledOnce();
  });

  it('refuses an unknown event or a listener that is not a function', () => {
    const listeners = new StoreListeners();
    expect(() => listeners.add('stateChange' as never, () => {})).toThrow(
      /Unknown store event "stateChange"; expected one of: storeError, storeRecovered/,
    );
    expect(() => listeners.add('storeError', 'log' as never)).toThrow(/must be a function/);
  });
});
