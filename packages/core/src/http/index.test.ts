import { expect, it } from 'vitest';
import * as http from './index.ts';

// The public API of @tripswitch/core/http: an export added or removed by accident fails here.
it('exports exactly these names, with no default export', () => {
  expect(Object.keys(http).sort()).toEqual([
    'abortedByDeadline',
    'defaultMaxRetryAfterMs',
    'isFailureStatus',
    'isRefusal',
    'judgeAndSettle',
    'judgeHttpCall',
    'originOf',
    'parseRetryAfter',
    'refusalResponse',
    'settlePermit',
  ]);
});
