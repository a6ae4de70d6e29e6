import type { ServerResponse } from 'node:http';
import type { BulkheadFullError, CircuitOpenError } from '@tripswitch/core';
import { type RefusalProblemFunction, refusalResponse } from '@tripswitch/core/http';

/**
 * @internal Sends the 503 every Tripswitch server adapter sends for a refused request. Written
 * with Node's own response API rather than Express's helpers, so the bytes are the same in
 * Express 4 and 5 and no ETag or charset is added to the problem document. The body names no
 * breaker unless `problem` puts the name in.
 */
export function sendRefusal(
  res: ServerResponse,
  error: CircuitOpenError | BulkheadFullError,
  problem: RefusalProblemFunction | undefined,
): void {
  const { status, headers, body } = refusalResponse(error, { problem });
  res.writeHead(status, headers).end(JSON.stringify(body));
}
