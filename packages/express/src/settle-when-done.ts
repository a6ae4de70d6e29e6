import type { Permit } from '@tripswitch/core';
import { predicateAnswer } from '@tripswitch/core/internal';
import type { Request, Response } from 'express';
import { cutByServer } from './cut-by-server.ts';

/**
 * @internal Settles `permit` once the response is over. Node emits 'close' on every response:
 * after 'finish' when it was sent in full, or alone when the client went away first. So one
 * listener covers both. A response the route ended is judged by its status, even if the client
 * left before all of it went out (the route's verdict was given). One closed before the route
 * ended it is ignored when the client hung up, which says nothing about the route's health, and
 * a failure when the server cut it (see {@link cutByServer}): the route failed mid-response.
 */
export function settleWhenDone(
  req: Request,
  res: Response,
  permit: Permit,
  isFailure: (statusCode: number, req: Request) => boolean,
): void {
  const { socket } = req;
  // on, not once: 'close' comes once per response, and once() would wrap the listener in
  // another function on every request. A second 'close' would find the permit settled.
  res.on('close', () => {
    if (!res.writableEnded) {
      const cut = cutByServer(res, socket);
      if (cut === undefined) permit.ignore();
      else permit.failure(cut);
      return;
    }
    const status = res.statusCode;
    let failed: boolean;
    try {
      failed = predicateAnswer(isFailure(status, req), 'isFailure');
    } catch (error) {
      // Runs in an event listener, where a throw would crash the process: count a failure, say so.
      console.error('[tripswitch] isFailure threw; the request counts as a failure', error);
      permit.failure(error);
      return;
    }
    // Not the URL: its query may carry secrets, and failure events are often logged.
    if (failed) permit.failure(new Error(`The response status was ${status}`));
    else permit.success();
  });
}
