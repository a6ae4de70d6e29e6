import { expect, it } from 'vitest';
import * as dashboard from './index.ts';

it('exports exactly the public API, with no default export', () => {
  expect(Object.keys(dashboard).sort()).toEqual(['controlHeader', 'dashboardHandler']);
});
