import type { MeterProvider } from '@opentelemetry/api';
import { InvalidOptionError, isBreakerRegistry } from '@tripswitch/core';
import { checkedMaxNameLength, defaultMaxNameLength } from '@tripswitch/core/internal';

/** Options of {@link instrumentBreakers}. */
export interface InstrumentBreakersOptions {
  /**
   * Where the instruments come from. Without one, they come from the global MeterProvider at
   * the time of the call: start your SDK before calling `instrumentBreakers`.
   * @defaultValue the global MeterProvider (`metrics.getMeterProvider()`)
   */
  meterProvider?: MeterProvider;
  /**
   * The bucket boundaries, in seconds, advised for the `circuit_breaker.call.duration` histogram
   * (a View still overrides them). `false` leaves the histogram out: the durations come from
   * the breakers' `success` and `failure` events, and while anything listens to those, a breaker
   * reads its clock when a call starts and when it ends (a breaker with `slowCallDurationMs` or
   * a time window reads it anyway). The other instruments are observed at collection time and
   * cost the calls nothing.
   * @defaultValue `[0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]`,
   * the boundaries of OpenTelemetry's HTTP duration conventions
   */
  buckets?: readonly number[] | false;
  /**
   * Whether a refused call adds a `circuit_breaker.rejected` event to the active span.
   * @defaultValue true
   */
  spanEvents?: boolean;
  /**
   * The longest value of the `circuit_breaker.name` attribute, in UTF-16 code units: an integer
   * from 32 to 65_536. Names can come from request input (a key made of a path segment or a
   * host), and a breaker's name is on each of its points (one per state and per result, among
   * others) and on every span event it adds: unbounded, a registry of long names would make
   * every export, and the span of every refused request, huge. A longer name is cut to this
   * length: its first units, `…`, then 16 hexadecimal digits computed from the whole name, the
   * same at every collection, so two names that start alike keep series of their own (with a
   * limit of 36, `/tenants/acme-corporation/orders/12345` is
   * `/tenants/acme-corpo…d5cd80ba7bf12907`). Shorter names are as they are.
   * @defaultValue 120
   */
  maxNameLength?: number;
}

/** @internal The options with their defaults applied. */
export interface CheckedOptions {
  meterProvider: MeterProvider | undefined;
  buckets: number[] | false;
  spanEvents: boolean;
  maxNameLength: number;
}

const defaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const optionNames = ['meterProvider', 'buckets', 'spanEvents', 'maxNameLength'];

/** @internal Checks the arguments of {@link instrumentBreakers}. */
export function checkArguments(registry: unknown, options: unknown): CheckedOptions {
  if (!isBreakerRegistry(registry)) {
    throw new InvalidOptionError('registry', registry, 'a BreakerRegistry from @tripswitch/core');
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, `an object { ${optionNames.join('?, ')}? }`);
  }
  const {
    meterProvider,
    buckets = defaultBuckets,
    spanEvents = true,
    maxNameLength = defaultMaxNameLength,
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
  if (
    meterProvider !== undefined &&
    typeof (meterProvider as Partial<MeterProvider> | null)?.getMeter !== 'function'
  ) {
    throw new InvalidOptionError('meterProvider', meterProvider, 'an OpenTelemetry MeterProvider');
  }
  if (typeof spanEvents !== 'boolean') {
    throw new InvalidOptionError('spanEvents', spanEvents, 'true or false');
  }
  return {
    meterProvider: meterProvider as MeterProvider | undefined,
    buckets: checkBuckets(buckets),
    spanEvents,
    maxNameLength: checkedMaxNameLength(maxNameLength),
  };
}

function checkBuckets(buckets: unknown): number[] | false {
  if (buckets === false) return false;
  const expected = 'false, or a non-empty array of increasing finite numbers of seconds > 0';
  if (!Array.isArray(buckets) || buckets.length === 0) {
    throw new InvalidOptionError('buckets', buckets, expected);
  }
  let previous = 0;
  for (const bound of buckets) {
    if (typeof bound !== 'number' || !Number.isFinite(bound) || bound <= previous) {
      throw new InvalidOptionError('buckets', buckets, expected);
    }
    previous = bound;
  }
  return [...buckets];
}
