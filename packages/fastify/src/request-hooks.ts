import type { BulkheadFullError, CircuitBreaker, CircuitOpenError, Permit } from '@tripswitch/core';
import { isBulkheadFullError, isCircuitOpenError } from '@tripswitch/core';
import type { RefusalProblemFunction } from '@tripswitch/core/http';
import { isThenable, predicateAnswer } from '@tripswitch/core/internal';
import type {
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestHookHandler,
} from 'fastify';
import { destroyedByServer, isHttp1Response } from './destroyed-by-server.ts';
import { hookError } from './hook-error.ts';
import type { Guard, Registration } from './registration.ts';
import { sendRefusal } from './send-refusal.ts';

// The request's permit, from admission to settlement: declared as a request decorator
// (shape-stable, null by default); Symbol.for, so every copy of this package uses the same slot
// and a request is never admitted twice.
/** @internal */
export const permitSlot: unique symbol = Symbol.for('tripswitch.fastify.permit');

// Undefined, not null, on requests of a scope created before the decorator was declared.
interface Slots {
  [permitSlot]: Permit | null | undefined;
}

/**
 * @internal The `onRequest` hook of a registration: asks the route's breaker for a permit, or
 * answers a refused request at once, so no later hook, parsing or handler runs for it.
 */
export function admitRequests(registration: Registration): onRequestHookHandler {
  return function tripswitchAdmit(request, reply, done): void {
    let guard: Guard | null;
    let breaker: CircuitBreaker | undefined;
    try {
      guard = registration.guardOf(request);
      // Not guarded here; or already admitted by another copy of this package; or the client
      // left while an earlier hook ran, and a permit now would never be settled.
      if (
        guard === null ||
        slots(request)[permitSlot] != null ||
        request.raw.aborted ||
        reply.raw.closed
      ) {
        done();
        return;
      }
      breaker = guard.breakerFor(request);
    } catch (error) {
      done(hookError(error, 'key'));
      return;
    }
    if (breaker === undefined) {
      done();
      return;
    }
    if (guard.queues) {
      admitWhenSlotFree(guard, breaker, request, reply, done);
      return;
    }
    const permit = breaker.tryAcquire();
    if (permit === null) {
      refuse(guard, request, reply, done, breaker.openError());
      return;
    }
    hold(request, reply, permit, guard);
    done();
  };
}

/**
 * Settles `permit` once the response is over, from one listener rather than Fastify's
 * `onResponse` and `onRequestAbort` hooks, which would cost every request of the app listeners
 * of their own. Node emits 'close' on every response: after it was sent, or alone when the
 * connection went first. A response the handler ended is judged by its status (`isFailure`);
 * one the server destroyed before that (a stream payload that failed mid-way) is a failure; one
 * closed under it otherwise is ignored: the client hung up, or the server shut down
 * (`forceCloseConnections`), which say nothing about the route's health. Ended, not finished:
 * `inject()`'s responses are ended but never finish flushing.
 *
 * The handler may also end the response after its connection was cut, before Node reports the
 * cut a turn later: an application that drops its connections and cancels the work in flight in
 * one go has its handlers answer 500 in that gap. Such an answer reaches no one and may be the
 * cut's own doing, so it counts as a cut before the end. 'prefinish' tells the two orders apart:
 * Node's HTTP/1.1 response emits it when the end reaches the connection, and never for an end it
 * throws away. The HTTP/2 one emits none, and is judged by its end alone, as before.
 */
function settleWhenDone(
  request: FastifyRequest,
  reply: FastifyReply,
  permit: Permit,
  guard: Guard,
): void {
  const response = reply.raw;
  let answeredInTime = !isHttp1Response(response);
  // on, not once: each comes once per response, and once() would wrap the listener in another
  // function on every request. A second 'close' would find the permit settled.
  response.on('prefinish', () => {
    answeredInTime = response.socket?.destroyed !== true;
  });
  response.on('close', () => {
    slots(request)[permitSlot] = null;
    if (response.writableEnded && answeredInTime)
      judge(permit, guard, request, response.statusCode);
    else if (destroyedByServer(response)) permit.failure(abortedResponse());
    else permit.ignore();
  });
}

// Made only when it happens: a failure event carries it, and nothing else needs it.
function abortedResponse(): Error {
  return new Error('The server destroyed the response before it was ended');
}

function judge(permit: Permit, guard: Guard, request: FastifyRequest, status: number): void {
  let failed: boolean;
  try {
    failed = predicateAnswer(guard.isFailure(status, request), 'isFailure');
  } catch (error) {
    permit.failure(error);
    logSafely(request, error);
    return;
  }
  // Not the URL: its query may carry secrets, and failure events are often logged.
  if (failed) permit.failure(new Error(`The response status was ${status}`));
  else permit.success();
}

// The permit is settled already; a logger that throws must not reach Fastify's hook runner.
function logSafely(request: FastifyRequest, error: unknown): void {
  try {
    request.log.error(
      { err: error },
      '[tripswitch] isFailure threw; the request counts as a failure',
    );
  } catch {
    // Nothing else can be done for it.
  }
}

/** The path with a queueing bulkhead: the request may wait for a slot. */
function admitWhenSlotFree(
  guard: Guard,
  breaker: CircuitBreaker,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const controller = new AbortController();
  const clientGone = (): void => controller.abort();
  reply.raw.once('close', clientGone);
  breaker.acquire({ signal: controller.signal }).then(
    (permit) => {
      reply.raw.off('close', clientGone);
      // Admitted in the same turn as the client left, or once the connection was cut but before
      // Node reported it (a shutdown cuts every connection, and the first to close frees slots
      // for the others): nobody is waiting for the answer, and the handler must not run for it.
      if (controller.signal.aborted || request.raw.socket?.destroyed === true) {
        permit.ignore();
        return;
      }
      hold(request, reply, permit, guard);
      done();
    },
    (error: unknown) => {
      reply.raw.off('close', clientGone);
      if (controller.signal.aborted) return;
      if (isCircuitOpenError(error) || isBulkheadFullError(error)) {
        refuse(guard, request, reply, done, error);
      } else {
        done(error as Error);
      }
    },
  );
}

/** Answers a refused request: `onOpen`, or the 503 problem response. */
function refuse(
  guard: Guard,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  error: CircuitOpenError | BulkheadFullError,
): void {
  const { onOpen } = guard;
  if (onOpen === undefined) {
    sendRefusal(reply, error, guard.problem);
    return;
  }
  let result: unknown;
  try {
    result = onOpen(request, reply, error);
    if (isThenable(result)) {
      // Inside the try: a hostile thenable's `then` may throw, here or on the queueing path.
      result.then(
        (value) => answer(reply, done, value, error, guard.problem),
        (reason: unknown) => done(hookError(reason, 'onOpen')),
      );
      return;
    }
  } catch (thrown) {
    done(hookError(thrown, 'onOpen'));
    return;
  }
  answer(reply, done, result, error, guard.problem);
}

/** Sends what `onOpen` gave, as Fastify sends what a handler returns; nothing: the 503. */
function answer(
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  value: unknown,
  error: CircuitOpenError | BulkheadFullError,
  problem: RefusalProblemFunction | undefined,
): void {
  // `reply` itself: onOpen sent (or is sending) the answer.
  if (value === reply) return;
  try {
    if (value !== undefined) reply.send(value);
    else if (!reply.sent) sendRefusal(reply, error, problem);
  } catch (thrown) {
    done(hookError(thrown, 'sending what onOpen returned'));
  }
}

/** Marks the request admitted, and settles its permit when the response is over. */
function hold(request: FastifyRequest, reply: FastifyReply, permit: Permit, guard: Guard): void {
  slots(request)[permitSlot] = permit;
  settleWhenDone(request, reply, permit, guard);
}

function slots(request: FastifyRequest): Slots {
  return request as unknown as Slots;
}
