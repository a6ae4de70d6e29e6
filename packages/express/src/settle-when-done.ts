import type { Permit } from '@tripswitch/core';
import { predicateAnswer } from '@tripswitch/core/internal';
import type { Request, Response } from 'express';
import { cutByServer } from './cut-by-server.ts';

/**
 * @internal Settles `permit` once the response is over. Node emits 'close' on every response:
 * after 'finish' when it was sent in full, or alone when the connection went first. So one
 * listener covers both. A response the route ended is judged by its status, even if the client
 * left before all of it went out (the route's verdict was given). One closed before the route
 * ended it is ignored when the client hung up or the server was shutting down, which say nothing
 * about the route's health, and a failure when the server cut it (see {@link cutByServer}): the
 * route failed mid-response.
 *
 * The route may also end the response after its connection was cut, before Node reports the cut
 * a turn later: an application that drops its connections and cancels the work in flight in one
 * go has its routes answer 500 in that gap. Such an answer reaches no one and may be the cut's
 * own doing, so it counts as a cut before the end. 'prefinish' tells the two orders apart: Node
 * emits it when the end reaches the connection — from inside `res.end()`, or when a response
 * queued behind another is flushed — and never for an end it throws away.
 */
export function settleWhenDone(
  req: Request,
  res: Response,
  permit: Permit,
  isFailure: (statusCode: number, req: Request) => boolean,
): void {
  const { socket } = req;
  let answeredInTime = false;
  // on, not once: each comes once per response, and once() would wrap the listener in another
  // function on every request. A second 'close' would find the permit settled.
  res.on('prefinish', () => {
    answeredInTime = socket?.destroyed !== true;
  });
  res.on('close', () => {
    if (!res.writableEnded || !answeredInTime) {
      const cut = cutByServer(res, socket, res.writableEnded);
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
