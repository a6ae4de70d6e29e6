import type { Dispatcher } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import { deliverResponse } from './deliver-response.ts';

const steps = ['onRequestStart', 'onResponseStart', 'onResponseData', 'onResponseEnd'] as const;
type Step = (typeof steps)[number];

const response = (body: string) => ({
  statusCode: 200,
  statusMessage: undefined,
  headers: { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] },
  body: new TextEncoder().encode(body),
});

/** A handler that records its callbacks, and throws, aborts or pauses in the one it is told to. */
function handler(plan: {
  throwIn: Step | undefined;
  abortIn: Step | undefined;
  pauseIn: Step | undefined;
}) {
  const calls: string[] = [];
  let controller: Dispatcher.DispatchController | undefined;
  const act = (step: Step, given: Dispatcher.DispatchController): void => {
    calls.push(step);
    controller = given;
    if (plan.pauseIn === step) given.pause();
    if (plan.abortIn === step) given.abort(new Error(`aborted in ${step}`));
    if (plan.throwIn === step) throw new Error(`thrown in ${step}`);
  };
  const target: Dispatcher.DispatchHandler = {
    onRequestStart: (c) => act('onRequestStart', c),
    onResponseStart: (c) => act('onResponseStart', c),
    onResponseData: (c) => act('onResponseData', c),
    onResponseEnd: (c) => act('onResponseEnd', c),
    onResponseError: (_c, error) => {
      calls.push(`onResponseError: ${error.message}`);
    },
  };
  return { target, calls, controller: () => controller };
}

const terminal = (call: string) => call === 'onResponseEnd' || call.startsWith('onResponseError');

describe('deliverResponse', () => {
  it('delivers the status, the headers (raw ones too) and the body, then the end', () => {
    const seen: unknown[] = [];
    deliverResponse(
      {
        onRequestStart: (controller) =>
          seen.push((controller as { rawHeaders: Buffer[] }).rawHeaders.map(String)),
        onResponseStart: (_c, status, headers, text) => seen.push(status, headers, text),
        onResponseData: (_c, chunk) => seen.push(String(chunk)),
        onResponseEnd: () => seen.push('end'),
      },
      'GET',
      response('stock'),
    );
    expect(seen).toEqual([
      ['content-type', 'text/plain', 'set-cookie', 'a=1', 'set-cookie', 'b=2'],
      200,
      { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] },
      'OK',
      'stock',
      'end',
    ]);
  });

  // Every place a handler can throw, abort or pause, for a body and none, GET and HEAD: the
  // handler hears of exactly one end (onResponseEnd or onResponseError), once resumed, and
  // nothing after it; deliverResponse never throws.
  const plans = [undefined, ...steps].flatMap((throwIn) =>
    [undefined, ...steps].flatMap((abortIn) =>
      [undefined, ...steps].flatMap((pauseIn) =>
        ['stock', ''].flatMap((body) =>
          ['GET', 'HEAD'].map((method) => ({ throwIn, abortIn, pauseIn, body, method })),
        ),
      ),
    ),
  );

  it(`ends once, in each of the ${plans.length} plans`, () => {
    for (const { throwIn, abortIn, pauseIn, body, method } of plans) {
      const plan = JSON.stringify({ throwIn, abortIn, pauseIn, body, method });
      const { target, calls, controller } = handler({ throwIn, abortIn, pauseIn });
      expect(() => deliverResponse(target, method, response(body)), plan).not.toThrow();
      if (!calls.some(terminal)) {
        // Paused before the end: it comes when the reader resumes, and only then.
        expect(controller()?.paused, plan).toBe(true);
        controller()?.resume();
      }
      const ends = calls.filter(terminal);
      if (throwIn === 'onResponseEnd' && ends[0] === 'onResponseEnd') {
        // As undici does: what onResponseEnd throws is reported after it.
        expect(ends, plan).toEqual(['onResponseEnd', 'onResponseError: thrown in onResponseEnd']);
      } else {
        expect(ends, plan).toHaveLength(1);
      }
      expect(calls.at(-1), plan).toBe(ends.at(-1));
      const stoppedBeforeData = [throwIn, abortIn].some(
        (step) => step === 'onRequestStart' || step === 'onResponseStart',
      );
      expect(calls.includes('onResponseData'), plan).toBe(
        method !== 'HEAD' && body !== '' && !stoppedBeforeData,
      );
      // Aborting after the end changes nothing.
      const before = calls.length;
      controller()?.abort(new Error('late'));
      expect(calls, plan).toHaveLength(before);
    }
  });

  it('reports a handler that throws in onResponseError, and does not throw itself', () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() =>
      deliverResponse(
        {
          onRequestStart: () => {
            throw new Error('start');
          },
          onResponseError: () => {
            throw new Error('error handler');
          },
        },
        'GET',
        response('x'),
      ),
    ).not.toThrow();
    expect(report).toHaveBeenCalledWith(
      '[tripswitch] a handler threw on a fallback response’s error',
      new Error('error handler'),
    );
    report.mockRestore();
  });
});
