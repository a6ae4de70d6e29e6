import { expect, it } from 'vitest';
import * as prometheus from './index.ts';

// The public API of @tripswitch/prometheus: an export added or removed by accident fails here.
it('exports exactly these names, with no default export', () => {
  expect(Object.keys(prometheus).sort()).toEqual(['collectBreakerMetrics', 'stateCodes']);
});
