import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BreakerRegistry } from '@tripswitch/core';
import type { ControlAction, DashboardOptions } from './options.ts';
import { sendJson, sendMethodNotAllowed, sendText } from './respond.ts';

/**
 * The header a control request must carry. A page on another origin cannot send a custom header
 * without a CORS preflight, which the dashboard never approves, so a forged form or `fetch` from
 * another site is refused even when the browser sends the user's cookies along.
 */
export const controlHeader = 'x-tripswitch-dashboard';

/** @internal What a control request needs from the handler. */
export interface ControlContext<Req extends IncomingMessage> {
  readonly registry: BreakerRegistry;
  readonly authorize: NonNullable<DashboardOptions<Req>['authorize']>;
  readonly action: ControlAction;
  readonly name: string | null;
  readonly next: ((error?: unknown) => void) | undefined;
}

/**
 * @internal Isolates or resets a breaker, in this order of checks: POST only (405), no
 * cross-site request (403), a breaker name (400), `authorize` (403), a breaker of that name (404).
 */
export async function serveControl<Req extends IncomingMessage>(
  req: Req,
  res: ServerResponse,
  context: ControlContext<Req>,
): Promise<void> {
  if (req.method !== 'POST') return sendMethodNotAllowed(res, 'POST');
  // The body means nothing here; drain it so the connection can be reused.
  req.resume();
  const refusal = crossSiteRefusal(req);
  if (refusal !== undefined) return sendText(res, 403, refusal);
  const { registry, action, name } = context;
  if (name === null || name === '') {
    return sendText(res, 400, 'The query parameter "name" must name a breaker');
  }
  let allowed: boolean;
  try {
    allowed = (await context.authorize(req, { action, breaker: name })) === true;
  } catch (error) {
    if (context.next !== undefined) return context.next(error);
    return sendText(res, 500, 'Authorization failed');
  }
  if (!allowed) return sendText(res, 403, 'Not allowed');
  const found = action === 'isolate' ? registry.isolate(name) : registry.reset(name);
  if (!found) return sendText(res, 404, 'No such breaker');
  // A stateChange listener may have moved the circuit again: report the state it is in now.
  const state = registry.list().find((breaker) => breaker.name === name)?.state;
  sendJson(res, 200, { name, action, state });
}

/**
 * Why a control request looks forged, if it does. Browsers say where a request comes from in
 * `Sec-Fetch-Site`, whatever a proxy does to `Host`; other clients (curl, scripts) send no such
 * header and need only the custom one, and `authorize`.
 */
function crossSiteRefusal(req: IncomingMessage): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return 'Control requests from another site are refused';
  }
  const marker = req.headers[controlHeader];
  if (marker === undefined || marker === '') {
    return `Control requests must carry the ${controlHeader} header`;
  }
  return undefined;
}
