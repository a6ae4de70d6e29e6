// Interceptors written by someone else, with bugs: each throws at one step of a call.
import type { InterceptingCall, Interceptor, Requester } from '@grpc/grpc-js';
import { grpc } from './grpc.ts';

/**
 * What a buggy neighbour throws. The throws that escape into grpc-js's own event handlers become
 * uncaught exceptions, as they would in an application; vitest.config.ts lets this class through.
 */
export class NeighbourBug extends Error {
  override readonly name = 'NeighbourBug';
}

/** Where a neighbour throws. */
export type Step =
  | 'factory, before the next call'
  | 'factory, after the next call'
  | 'start, before next'
  | 'start, after next'
  | 'sendMessage'
  | 'halfClose'
  | 'onReceiveMessage'
  | 'onReceiveStatus';

/** An interceptor with a bug, and a promise of its first throw. */
export interface Neighbour {
  readonly interceptor: Interceptor;
  /** Whether the calls made from now on hit the bug. */
  armed: boolean;
  /** Settles when the bug first throws. */
  readonly thrown: Promise<void>;
}

/** An interceptor that throws at `step` in the calls made while it is armed (from the start). */
export function throwingAt(step: Step): Neighbour {
  let thrown: () => void = () => {};
  const neighbour: Neighbour = {
    armed: true,
    thrown: new Promise<void>((resolve) => {
      thrown = resolve;
    }),
    interceptor: (options, nextCall) => {
      const on = neighbour.armed;
      const bug = (): never => {
        thrown();
        throw new NeighbourBug(`neighbour throws in ${step}`);
      };
      if (step === 'factory, before the next call' && on) bug();
      const next = nextCall(options);
      if (step === 'factory, after the next call' && on) bug();
      const requester: Requester = {
        start(metadata, _listener, nextStart) {
          if (step === 'start, before next' && on) bug();
          nextStart(metadata, {
            onReceiveMessage(message, nextMessage) {
              if (step === 'onReceiveMessage' && on) bug();
              nextMessage(message);
            },
            onReceiveStatus(status, nextStatus) {
              if (step === 'onReceiveStatus' && on) bug();
              nextStatus(status);
            },
          });
          if (step === 'start, after next' && on) bug();
        },
        sendMessage(message, nextSend) {
          if (step === 'sendMessage' && on) bug();
          nextSend(message);
        },
        halfClose(nextClose) {
          if (step === 'halfClose' && on) bug();
          nextClose();
        },
      };
      return new grpc.InterceptingCall(next, requester) as InterceptingCall;
    },
  };
  return neighbour;
}
