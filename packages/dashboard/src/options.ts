import type { IncomingMessage } from 'node:http';
import { type BreakerRegistry, InvalidOptionError, isBreakerRegistry } from '@tripswitch/core';

/** A control the dashboard offers when `controls` is on. */
export type ControlAction = 'isolate' | 'reset';

/** What a control request asks for, as {@link DashboardOptions.authorize} receives it. */
export interface ControlRequest {
  /** `'isolate'` forces the circuit open; `'reset'` closes it with an empty window. */
  action: ControlAction;
  /** The name of the breaker the request is about (it may not exist). */
  breaker: string;
}

/**
 * Options of {@link dashboardHandler}. Every option is checked when the handler is created; a bad
 * one throws `InvalidOptionError` naming it.
 *
 * @typeParam Req - the request type `authorize` receives: `IncomingMessage`, or your framework's
 * request (`express.Request`), inferred from `authorize`'s parameter.
 */
export interface DashboardOptions<Req extends IncomingMessage = IncomingMessage> {
  /**
   * The path the dashboard answers under when `req.url` still holds it: with node:http, or with
   * Express when the handler is not mounted on a path (`app.use(handler)`). Leave it out when a
   * framework strips the mount path from `req.url`, as Express does for
   * `app.use('/breakers', handler)`. A path such as `'/breakers'` or `'/ops/breakers'`.
   * @defaultValue `''` (the handler owns every path it receives)
   */
  basePath?: string;
  /**
   * Offers isolate and reset buttons on the page, and the POST endpoints behind them. Needs
   * `authorize`: there is no unauthenticated control endpoint.
   * @defaultValue false
   */
  controls?: boolean;
  /**
   * Decides whether a control request (isolate or reset) may proceed; only `true` (or a promise
   * of `true`) allows it, anything else answers 403. It runs after the request passed the
   * dashboard's cross-site checks and before the breaker is looked up, so a refused caller does
   * not learn which breakers exist. If it throws, the request goes to `next(error)` when there
   * is a `next`, and is answered 500 otherwise. It does not guard the page or the data stream:
   * put the handler behind your own authentication to hide those.
   */
  authorize?: (req: Req, control: ControlRequest) => boolean | Promise<boolean>;
  /**
   * How often each open page receives a fresh snapshot, in milliseconds. A state change is
   * pushed at once, whatever the interval.
   * @defaultValue 1000
   */
  intervalMs?: number;
  /**
   * The most data streams (open pages) served at once; one more is answered 503 with
   * `Retry-After`, so clients cannot tie up the process with streams. A connection holds at most
   * one: a stream asked for behind another response on the same connection (HTTP pipelining,
   * which browsers do not do) could not start until that response ended, and is answered 503
   * without taking a slot.
   * @defaultValue 100
   */
  maxConnections?: number;
  /**
   * The longest name the data stream carries, in UTF-16 code units: a longer one is cut, ends in
   * `…`, and comes with an `id` by which `GET breaker?id=…` gives the whole name (the page
   * fetches it on demand). Names can come from request paths; this keeps what every tick sends
   * bounded by the options, not by the names. `GET snapshot` has whole names.
   * @defaultValue 120
   */
  maxNameLength?: number;
  /**
   * The most bytes a data stream may have waiting to be sent. A reader that does not keep up is
   * dropped (its connection closed; the page reconnects) rather than growing the server's memory;
   * a stream holds at most this much, or one snapshot when a snapshot is larger. What the
   * operating system's socket buffers hold (several MB per connection on Linux) comes first and
   * is not counted: a client that stops reading is seen falling behind only once they are full.
   * @defaultValue 1_048_576 (1 MiB)
   */
  maxBufferBytes?: number;
}

/** @internal The options after checking, with defaults applied. */
export interface DashboardSettings<Req extends IncomingMessage> {
  readonly registry: BreakerRegistry;
  readonly basePath: string;
  readonly controls: boolean;
  readonly authorize: DashboardOptions<Req>['authorize'];
  readonly intervalMs: number;
  readonly maxConnections: number;
  readonly maxNameLength: number;
  readonly maxBufferBytes: number;
}

const optionNames = [
  'basePath',
  'controls',
  'authorize',
  'intervalMs',
  'maxConnections',
  'maxNameLength',
  'maxBufferBytes',
];
// A path of URL-safe segments, so it compares equal to the percent-encoded path in req.url.
const basePathPattern = /^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+$/;
const minIntervalMs = 50;
// setInterval treats anything above 2^31 - 1 as 1 ms.
const maxIntervalMs = 2_147_483_647;

/** @internal Checks the registry and options of {@link dashboardHandler}. */
export function checkOptions<Req extends IncomingMessage>(
  registry: unknown,
  options: unknown,
): DashboardSettings<Req> {
  if (!isBreakerRegistry(registry)) {
    throw new InvalidOptionError('registry', registry, 'a BreakerRegistry from @tripswitch/core');
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, `an object { ${optionNames.join('?, ')}? }`);
  }
  const {
    basePath = '',
    controls = false,
    authorize,
    intervalMs = 1000,
    maxConnections = 100,
    maxNameLength = 120,
    maxBufferBytes = 1_048_576,
    ...rest
  } = options as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) {
    throw new InvalidOptionError(
      unknown,
      rest[unknown],
      `no such option; allowed: ${optionNames.join(', ')}`,
    );
  }
  if (typeof basePath !== 'string' || (basePath !== '' && !basePathPattern.test(basePath))) {
    throw new InvalidOptionError(
      'basePath',
      basePath,
      "'' or a path such as '/breakers': segments of URL-safe characters, each after a '/', with no trailing '/'",
    );
  }
  if (typeof controls !== 'boolean') {
    throw new InvalidOptionError('controls', controls, 'true or false');
  }
  if (authorize !== undefined && typeof authorize !== 'function') {
    throw new InvalidOptionError('authorize', authorize, 'a function (req, control) => boolean');
  }
  if (controls && authorize === undefined) {
    throw new InvalidOptionError(
      'authorize',
      authorize,
      'a function (req, control) => boolean | Promise<boolean> when controls is true: the control endpoints are never open to everyone',
    );
  }
  if (
    typeof intervalMs !== 'number' ||
    !Number.isInteger(intervalMs) ||
    intervalMs < minIntervalMs ||
    intervalMs > maxIntervalMs
  ) {
    throw new InvalidOptionError(
      'intervalMs',
      intervalMs,
      `an integer number of milliseconds from ${minIntervalMs} to ${maxIntervalMs}`,
    );
  }
  if (
    typeof maxConnections !== 'number' ||
    !Number.isInteger(maxConnections) ||
    maxConnections < 1
  ) {
    throw new InvalidOptionError('maxConnections', maxConnections, 'an integer >= 1');
  }
  integerIn('maxNameLength', maxNameLength, 16, 65_536);
  integerIn('maxBufferBytes', maxBufferBytes, 16_384, 1_073_741_824);
  return {
    registry,
    basePath,
    controls,
    authorize: authorize as DashboardOptions<Req>['authorize'],
    intervalMs,
    maxConnections,
    maxNameLength,
    maxBufferBytes,
  };
}

function integerIn(
  option: string,
  value: unknown,
  min: number,
  max: number,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(option, value, `an integer from ${min} to ${max}`);
  }
}
