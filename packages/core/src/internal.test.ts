import { expect, it } from 'vitest';
import * as internal from './internal.ts';

// The internal entry makes no stability promise, but what it holds is still chosen: an
// accidental export or removal fails here, as for the public entries.
it('exports exactly these names, with no default export', () => {
  expect(Object.keys(internal).sort()).toEqual([
    'acquirePermit',
    'answerRefusal',
    'boundedHealth',
    'boundedName',
    'brandTripswitchError',
    'checkCircuitsHealthOptions',
    'checkNameAndKey',
    'checkRefusalProblem',
    'checkRegistryAndMaxKeys',
    'checkedKey',
    'checkedMaxNameLength',
    'combinedHealth',
    'defaultMaxNameLength',
    'findRefusal',
    'httpClientBreakers',
    'ignoredVerdict',
    'isThenable',
    'keyedBreakers',
    'optionNamesChecker',
    'predicateAnswer',
    'resolveFallbackResponse',
    'splitClientOptions',
  ]);
});
