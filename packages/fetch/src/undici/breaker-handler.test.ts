import { CircuitBreaker } from '@tripswitch/core';
import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { BreakerHandler, type Settlement } from './breaker-handler.ts';
import type { DispatchEnd } from './judge-dispatch.ts';

// A handler written as a class with private fields, as undici's own are: every callback must
// reach it with the handler itself as `this`.
class RecordingHandler implements Dispatcher.DispatchHandler {
  readonly #calls: string[] = [];
  get calls(): readonly string[] {
    return this.#calls;
  }
  onRequestStart(): void {
    this.#calls.push('onRequestStart');
  }
  onResponseStart(_controller: unknown, statusCode: number): void {
    this.#calls.push(`onResponseStart ${statusCode}`);
  }
  onResponseData(): void {
    this.#calls.push('onResponseData');
  }
  onResponseEnd(): void {
    this.#calls.push('onResponseEnd');
  }
  onResponseError(_controller: unknown, error: Error): void {
    this.#calls.push(`onResponseError ${error.message}`);
  }
  onBodySent(chunk: unknown): void {
    this.#calls.push(`onBodySent ${String(chunk)}`);
  }
  onRequestSent(): void {
    this.#calls.push('onRequestSent');
  }
}

function recorder(): Settlement & { ends: Array<DispatchEnd | 'ignore'> } {
  const ends: Array<DispatchEnd | 'ignore'> = [];
  return { ends, judge: (end) => void ends.push(end), ignore: () => void ends.push('ignore') };
}

const controller = {} as Dispatcher.DispatchController;

describe('BreakerHandler', () => {
  it('passes every callback on, to the handler itself, and judges once, at the response', () => {
    const handler = new RecordingHandler();
    const settlement = recorder();
    const guarded = new BreakerHandler(handler, settlement);
    guarded.onRequestStart(controller, {});
    guarded.onBodySent('chunk');
    guarded.onRequestSent();
    guarded.onResponseStart(controller, 103, {});
    guarded.onResponseStart(controller, 200, { 'retry-after': '5' });
    guarded.onResponseData(controller, Buffer.from('x'));
    guarded.onResponseError(controller, new Error('body cut short'));
    expect(handler.calls).toEqual([
      'onRequestStart',
      'onBodySent chunk',
      'onRequestSent',
      'onResponseStart 103',
      'onResponseStart 200',
      'onResponseData',
      'onResponseError body cut short',
    ]);
    expect(settlement.ends).toEqual([
      { response: { statusCode: 200, headers: { 'retry-after': '5' } } },
    ]);
  });

  it('judges an error before the response with its controller, or none', () => {
    const settlement = recorder();
    const error = new Error('refused');
    new BreakerHandler(new RecordingHandler(), settlement).onResponseError(
      null as unknown as Dispatcher.DispatchController,
      error,
    );
    expect(settlement.ends).toEqual([{ error, controller: null }]);
  });

  it('ignores a request that ends with no response, and one whose caller’s onRequestStart throws', () => {
    const ended = recorder();
    new BreakerHandler(new RecordingHandler(), ended).onResponseEnd(controller, {});
    expect(ended.ends).toEqual(['ignore']);
    const thrown = recorder();
    const guarded = new BreakerHandler(
      {
        onRequestStart() {
          throw new Error('handler bug');
        },
      },
      thrown,
    );
    expect(() => guarded.onRequestStart(controller, {})).toThrow('handler bug');
    guarded.onResponseError(controller, new Error('aborted by the bug'));
    expect(thrown.ends).toEqual(['ignore']);
  });

  it('settles a real permit exactly once, whatever comes after', () => {
    const breaker = new CircuitBreaker();
    const permit = breaker.tryAcquire()!;
    const guarded = new BreakerHandler(new RecordingHandler(), {
      judge: () => permit.success(),
      ignore: () => permit.ignore(),
    });
    guarded.onResponseStart(controller, 200, {});
    guarded.onResponseError(controller, new Error('late'));
    guarded.onResponseEnd(controller, {});
    guarded.failBeforeStart(new Error('later still'));
    expect(breaker.stats()).toMatchObject({ inFlight: 0, totals: { successes: 1, ignored: 0 } });
  });

  it('tells the caller of a failure before the start only once', () => {
    const handler = new RecordingHandler();
    const guarded = new BreakerHandler(handler, recorder());
    guarded.onResponseError(controller, new Error('first'));
    guarded.failBeforeStart(new Error('second'));
    expect(handler.calls).toEqual(['onResponseError first']);
  });
});
