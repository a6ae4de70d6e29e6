import 'reflect-metadata';
import { expect, it } from 'vitest';
import * as terminus from './terminus.ts';

// The public API of @tripswitch/nestjs/terminus: an export added or removed by accident fails here.
it('exports exactly these names, with no default export', () => {
  expect(Object.keys(terminus).sort()).toEqual(['CircuitsHealthIndicator']);
});
