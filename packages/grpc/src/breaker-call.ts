import type { Metadata, StatusObject } from '@grpc/grpc-js';
import type { Permit } from '@tripswitch/core';
import { isCallerFault } from './caller-fault.ts';
import { deadlinePassed } from './deadline.ts';
import type { ChainCall, ChainListener, InterceptorOptions, NextCall } from './grpc-types.ts';
import { settleByStatus } from './judge-status.ts';
import type { InterceptorSettings } from './options.ts';
import { emptyLike, isRefusal, refusalStatus } from './refusal-status.ts';
import { grpcStatus } from './status-codes.ts';

// grpc-js's Propagate.CANCELLATION, and the flags a call propagates from its parent by default.
const propagateCancellation = 8;
const propagateDefaults = 0xffff;

/**
 * One call through the breaker interceptor: the call as the interceptor above it (or the client)
 * sees it, and the listener the call below it reports to.
 *
 * Everything is decided in `start`, not when the interceptor is asked for the call: an
 * interceptor above ours may make the call and then throw before starting it, and a permit taken
 * then would never settle. At `start` the call asks its breaker for a permit. Refused, it ends
 * with the refusal status on a later tick — a status delivered inside the stub call would reach
 * no listener — and no call below is ever made, so nothing leaves the process. Admitted, it makes
 * the call below and starts it with itself as the listener, and settles the permit when the
 * final status passes on its way up, before the listeners above run, so none of them that throws
 * can keep the permit from settling:
 *
 * - ignored at once when the caller cancels the call (`cancelWithStatus(CANCELLED)` from above:
 *   the client's `call.cancel()`), without waiting for a status that may never come;
 * - ignored when its parent call's cancellation reached it, when its deadline passed before a
 *   unary request was complete (the request never fully left), when grpc-js ended it for the
 *   caller's own fault (a request it could not serialize or over the client's send limit, the
 *   client closed before the call was sent, call credentials that failed: see `isCallerFault`),
 *   or when the status is a refusal by another Tripswitch breaker further down;
 * - otherwise judged by the status (see `judgeStatus`);
 * - ignored when the call below throws as it is made or used (an interceptor beside ours): the
 *   throw goes on to the caller, as it would without this interceptor.
 */
export class BreakerCall implements ChainCall {
  readonly #settings: InterceptorSettings;
  readonly #options: InterceptorOptions;
  readonly #nextCall: NextCall;
  #next: ChainCall | undefined;
  #listener: ChainListener | undefined;
  #permit: Permit | undefined;
  /** Refused, or ended before it started: the status is on its way; nothing goes below. */
  #refused = false;
  #halfClosed = false;
  /** startRead() came before start(), as grpc-js allows: passed on once the call below exists. */
  #readPending = false;
  /** A cancel that came before start(): the call ends with it, unmade. */
  #cancelledEarly: { code: number; details: string } | undefined;

  constructor(settings: InterceptorSettings, options: InterceptorOptions, nextCall: NextCall) {
    this.#settings = settings;
    this.#options = options;
    this.#nextCall = nextCall;
  }

  start(metadata: Metadata, listener?: ChainListener): void {
    this.#listener = listener;
    const early = this.#cancelledEarly;
    if (early !== undefined) {
      this.#end({ code: early.code, details: early.details, metadata: emptyLike(metadata) });
      return;
    }
    const options = this.#options;
    let breaker: ReturnType<InterceptorSettings['breakerFor']>;
    try {
      breaker = deadlinePassed(options)
        ? undefined
        : this.#settings.breakerFor(options.method_definition.path);
    } catch (error) {
      // The user's key threw or returned nonsense: the call fails, as it would for any bug of
      // the caller's, through its listener rather than a throw out of the stub call.
      this.#end({
        code: grpcStatus.INTERNAL,
        details: `Tripswitch could not choose a breaker for ${options.method_definition.path}: ${describe(error)}`,
        metadata: emptyLike(metadata),
        cause: error,
      } as StatusObject);
      return;
    }
    if (breaker === undefined) {
      // Around the breaker: the caller's listener goes below unwrapped.
      this.#makeAndStart(metadata, listener);
      return;
    }
    const permit = breaker.tryAcquire();
    if (permit === null) {
      this.#end(refusalStatus(breaker.openError(), metadata));
      return;
    }
    this.#permit = permit;
    this.#makeAndStart(metadata, this);
  }

  sendMessageWithContext(
    context: Parameters<ChainCall['sendMessageWithContext']>[0],
    message: unknown,
  ): void {
    if (this.#refused) {
      // A writable stream waits for each write's callback; the status tells how the call ended.
      context.callback?.();
      return;
    }
    const next = this.#next;
    if (next === undefined) return;
    try {
      next.sendMessageWithContext(context, message);
    } catch (error) {
      this.#ignore();
      throw error;
    }
  }

  sendMessage(message: unknown): void {
    if (this.#refused) return;
    const next = this.#next;
    if (next === undefined) return;
    try {
      next.sendMessage(message);
    } catch (error) {
      this.#ignore();
      throw error;
    }
  }

  halfClose(): void {
    this.#halfClosed = true;
    if (this.#refused) return;
    const next = this.#next;
    if (next === undefined) return;
    try {
      next.halfClose();
    } catch (error) {
      this.#ignore();
      throw error;
    }
  }

  startRead(): void {
    if (this.#refused) return;
    if (this.#next === undefined) this.#readPending = true;
    else this.#next.startRead();
  }

  cancelWithStatus(code: Parameters<ChainCall['cancelWithStatus']>[0], details: string): void {
    if (this.#refused) return;
    const next = this.#next;
    if (next === undefined) {
      this.#cancelledEarly ??= { code, details };
      return;
    }
    // The caller's cancel is ignored whatever follows, so the permit settles now, not when the
    // status passes: a call below that is not started yet (an interceptor after ours fetching a
    // token) ends unheard, and grpc-js reports that end to no one, then or once it is started.
    if (code === grpcStatus.CANCELLED) this.#ignore();
    try {
      next.cancelWithStatus(code, details);
    } catch (error) {
      this.#ignore();
      throw error;
    }
  }

  getPeer(): string {
    return this.#next?.getPeer() ?? 'unknown';
  }

  // Not in every grpc-js 1.x: passed on where the call below has it.
  getAuthContext(): ReturnType<ChainCall['getAuthContext']> {
    return (this.#next as Partial<ChainCall> | undefined)?.getAuthContext?.() ?? null;
  }

  // --- the listener the call below reports to ---------------------------------------------------

  onReceiveMetadata(metadata: Metadata): void {
    this.#listener?.onReceiveMetadata?.(metadata);
  }

  onReceiveMessage(message: unknown): void {
    this.#listener?.onReceiveMessage?.(message);
  }

  onReceiveStatus(status: StatusObject): void {
    this.#settle(status);
    this.#listener?.onReceiveStatus?.(status);
  }

  // --- internals --------------------------------------------------------------------------------

  #makeAndStart(metadata: Metadata, listener: ChainListener | undefined): void {
    let next: ChainCall;
    try {
      next = this.#nextCall(this.#options);
      this.#next = next;
      next.start(metadata, listener);
    } catch (error) {
      this.#ignore();
      throw error;
    }
    if (this.#readPending) next.startRead();
  }

  #settle(status: StatusObject): void {
    const permit = this.#permit;
    if (permit === undefined) return;
    this.#permit = undefined;
    let withoutVerdict: boolean;
    try {
      withoutVerdict = this.#withoutVerdict(status);
    } catch (error) {
      // A status object that throws when read (from an interceptor below): still settle.
      permit.failure(error);
      return;
    }
    if (withoutVerdict) permit.ignore();
    else settleByStatus(permit, status, this.#settings);
  }

  /** Whether the call ended without an answer from the service worth judging. */
  #withoutVerdict(status: StatusObject): boolean {
    // First: failed call credentials end a call with the code of their error's choosing,
    // CANCELLED and DEADLINE_EXCEEDED included.
    if (isCallerFault(status)) return true;
    const code = status?.code;
    const options = this.#options;
    if (code === grpcStatus.CANCELLED) {
      const flags = options.propagate_flags ?? propagateDefaults;
      return options.parent?.cancelled === true && (flags & propagateCancellation) !== 0;
    }
    if (code === grpcStatus.DEADLINE_EXCEEDED) {
      return !this.#halfClosed && !options.method_definition.requestStream;
    }
    return code === grpcStatus.UNAVAILABLE && isRefusal(status);
  }

  #ignore(): void {
    const permit = this.#permit;
    this.#permit = undefined;
    permit?.ignore();
  }

  /** Ends the call with `status` on a later tick, with nothing made below. */
  #end(status: StatusObject): void {
    this.#refused = true;
    process.nextTick(deliverStatus, this.#listener, status);
  }
}

function deliverStatus(listener: ChainListener | undefined, status: StatusObject): void {
  listener?.onReceiveStatus?.(status);
}

// What went wrong, in words, whatever was thrown (an object with no toString included).
function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'a value that cannot be printed';
  }
}
