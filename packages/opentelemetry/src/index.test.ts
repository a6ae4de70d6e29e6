import { expect, it } from 'vitest';
import * as opentelemetry from './index.ts';

// The public API of @tripswitch/opentelemetry: an export added or removed by accident fails here.
it('exports exactly these names, with no default export', () => {
  expect(Object.keys(opentelemetry).sort()).toEqual([
    'attributeKeys',
    'attributeValue',
    'instrumentBreakers',
    'meterName',
    'rejectedEventName',
  ]);
});
