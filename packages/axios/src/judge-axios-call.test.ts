import {
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  CanceledError,
  type InternalAxiosRequestConfig,
} from 'axios';
import { describe, expect, it } from 'vitest';
import { judgeAxiosCall, retryAfterOf } from './judge-axios-call.ts';

const config = (extra: Partial<InternalAxiosRequestConfig> = {}): InternalAxiosRequestConfig => ({
  headers: new AxiosHeaders(),
  validateStatus: (status) => status >= 200 && status < 300,
  ...extra,
});
const response = (status: number, headers: Record<string, string> = {}): AxiosResponse => ({
  status,
  statusText: '',
  headers: new AxiosHeaders(headers),
  config: config(),
  data: undefined,
});
const options = { isFailure: undefined, now: 0, maxRetryAfterMs: 600_000 };
const statusError = (status: number, headers?: Record<string, string>) =>
  new AxiosError('failed', 'ERR_BAD_RESPONSE', config(), null, response(status, headers));

describe('judgeAxiosCall', () => {
  it('judges a resolved response by its status', () => {
    const judge = (status: number) =>
      judgeAxiosCall({ config: config(), rejected: false, response: response(status) }, options);
    expect(judge(200)).toEqual({ kind: 'success' });
    expect(judge(404)).toEqual({ kind: 'success' });
    expect(judge(500)).toMatchObject({ kind: 'failure' });
  });

  it('judges a status rejection by the status, with its Retry-After', () => {
    const judge = (error: AxiosError) =>
      judgeAxiosCall({ config: config(), rejected: true, error }, options);
    expect(judge(statusError(404))).toEqual({ kind: 'success' });
    expect(judge(statusError(503, { 'Retry-After': '30' }))).toEqual({
      kind: 'failure',
      retryAfterMs: 30_000,
    });
  });

  it('fails a rejection with no response, or one validateStatus accepted', () => {
    const network = new AxiosError('connect ECONNREFUSED', 'ECONNREFUSED', config());
    expect(judgeAxiosCall({ config: config(), rejected: true, error: network }, options)).toEqual({
      kind: 'failure',
      retryAfterMs: undefined,
    });
    const cutOff = statusError(200);
    expect(judgeAxiosCall({ config: config(), rejected: true, error: cutOff }, options)).toEqual({
      kind: 'failure',
      retryAfterMs: undefined,
    });
    const noValidation = config({ validateStatus: null });
    expect(
      judgeAxiosCall({ config: noValidation, rejected: true, error: statusError(404) }, options),
    ).toMatchObject({ kind: 'failure' });
  });

  it('ignores a cancelled request: a CanceledError, or an aborted signal whatever the error', () => {
    const cancelled = new CanceledError(undefined, config());
    expect(judgeAxiosCall({ config: config(), rejected: true, error: cancelled }, options)).toEqual(
      { kind: 'ignore' },
    );
    const controller = new AbortController();
    controller.abort();
    const aborted = config({ signal: controller.signal });
    expect(
      judgeAxiosCall({ config: aborted, rejected: true, error: new Error('aborted') }, options),
    ).toEqual({ kind: 'ignore' });
    // A response that arrived before the abort is judged as it is.
    expect(
      judgeAxiosCall({ config: aborted, rejected: false, response: response(500) }, options),
    ).toMatchObject({ kind: 'failure' });
  });

  it('a validateStatus that throws leaves the call judged by its status', () => {
    const throwing = config({
      validateStatus: () => {
        throw new Error('bug');
      },
    });
    expect(
      judgeAxiosCall({ config: throwing, rejected: true, error: statusError(500) }, options),
    ).toMatchObject({ kind: 'failure' });
    expect(
      judgeAxiosCall({ config: throwing, rejected: true, error: statusError(404) }, options),
    ).toEqual({ kind: 'success' });
  });

  it('passes isFailure the response and the error', () => {
    const seen: unknown[] = [];
    const error = statusError(418);
    const verdict = judgeAxiosCall(
      { config: config(), rejected: true, error },
      {
        ...options,
        isFailure: (outcome) => {
          seen.push(outcome);
          return outcome.response?.status === 418;
        },
      },
    );
    expect(verdict).toMatchObject({ kind: 'failure' });
    expect(seen).toEqual([{ response: error.response, error }]);
  });
});

describe('retryAfterOf', () => {
  it('reads AxiosHeaders in any case, and plain objects', () => {
    expect(retryAfterOf(new AxiosHeaders({ 'Retry-After': '5' }))).toBe('5');
    expect(retryAfterOf({ 'retry-after': '7' })).toBe('7');
    expect(retryAfterOf({ 'Retry-After': ['9', '10'] })).toBe('9');
    expect(retryAfterOf({ 'retry-after': 3 })).toBe('3');
  });

  it.each([undefined, null, 'text', {}, { 'retry-after': { at: 1 } }])(
    'finds none in %j',
    (headers) => {
      expect(retryAfterOf(headers)).toBeUndefined();
    },
  );
});
