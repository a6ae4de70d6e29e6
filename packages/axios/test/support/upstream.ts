// The adapters share one scriptable upstream (tools/test-upstream); this binds it to vitest.

import type { RequestListener } from 'node:http';
import {
  closedPort as closedPortUntil,
  startUpstream as start,
  type Upstream,
} from '@tripswitch/test-upstream';
import { onTestFinished } from 'vitest';

export {
  armsTrap,
  deadline,
  endlessBody,
  hang,
  held,
  ok,
  resetMidHeaders,
  status,
  type Upstream,
  type UserCodeTrap,
  until,
  userCodeTrap,
} from '@tripswitch/test-upstream';

/** Starts an upstream on port 0 that is closed, connections and all, when the test finishes. */
export function startUpstream(handler?: RequestListener): Promise<Upstream> {
  return start(onTestFinished, handler);
}

/** A port nothing listens on until the test finishes (test-upstream's closedPort). */
export function closedPort(): Promise<string> {
  return closedPortUntil(onTestFinished);
}
