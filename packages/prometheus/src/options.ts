import { InvalidOptionError, isBreakerRegistry } from '@tripswitch/core';
import { checkedMaxNameLength, defaultMaxNameLength } from '@tripswitch/core/internal';
import type { OpenMetricsContentType, PrometheusContentType, Registry } from 'prom-client';

/** A prom-client registry of either exposition format. */
export type MetricsRegister = Registry<PrometheusContentType> | Registry<OpenMetricsContentType>;

/** Options of {@link collectBreakerMetrics}. */
export interface BreakerMetricsOptions {
  /**
   * The prom-client registry the metrics are registered on.
   * @defaultValue prom-client's global `register`
   */
  register?: MetricsRegister;
  /**
   * Prepended to every metric name, as is: `'checkout_'` gives `checkout_circuit_breaker_state`.
   * The shipped alert rules and dashboard use the names without a prefix.
   * @defaultValue `''`
   */
  prefix?: string;
  /**
   * The upper bounds, in seconds, of the buckets of `circuit_breaker_call_duration_seconds`, in
   * increasing order (`+Inf` is added). `false` leaves the histogram out: the durations come
   * from the breakers' `success` and `failure` events, and while anything listens to those, a
   * breaker reads its clock when a call starts and when it ends (a breaker with
   * `slowCallDurationMs` or a time window reads it anyway). Everything else is read from the
   * breakers at scrape time and costs the calls nothing.
   * @defaultValue `[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]`
   */
  buckets?: readonly number[] | false;
  /**
   * The longest value of the `name` label, in UTF-16 code units: an integer from 32 to 65_536.
   * Names can come from request input (a key made of a path segment or a host), and a breaker's
   * name is in each of its series (about 30 with the default buckets): unbounded, a registry of
   * long names would make every scrape huge. A longer name is cut to this length: its first
   * units, `…`, then 16 hexadecimal digits computed from the whole name, the same at every
   * scrape, so two names that start alike keep series of their own (with a limit of 36,
   * `/tenants/acme-corporation/orders/12345` is `/tenants/acme-corpo…d5cd80ba7bf12907`).
   * Shorter names are as they are.
   * @defaultValue 120
   */
  maxNameLength?: number;
}

/** @internal The options with their defaults applied. */
export interface CheckedOptions {
  register: MetricsRegister | undefined;
  prefix: string;
  buckets: number[] | false;
  maxNameLength: number;
}

const defaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const optionNames = ['register', 'prefix', 'buckets', 'maxNameLength'];
// Prometheus's rule for metric names; the prefix starts every name.
const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** @internal Checks the arguments of {@link collectBreakerMetrics}. */
export function checkArguments(registry: unknown, options: unknown): CheckedOptions {
  if (!isBreakerRegistry(registry)) {
    throw new InvalidOptionError('registry', registry, 'a BreakerRegistry from @tripswitch/core');
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, `an object { ${optionNames.join('?, ')}? }`);
  }
  const {
    register,
    prefix = '',
    buckets = defaultBuckets,
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
  if (register !== undefined && !isRegister(register)) {
    throw new InvalidOptionError('register', register, 'a prom-client Registry');
  }
  if (typeof prefix !== 'string' || (prefix !== '' && !metricNamePattern.test(prefix))) {
    throw new InvalidOptionError(
      'prefix',
      prefix,
      'a string of letters, digits, underscores and colons that does not start with a digit',
    );
  }
  return {
    register,
    prefix,
    buckets: checkBuckets(buckets),
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

function isRegister(value: unknown): value is MetricsRegister {
  const register = value as Partial<MetricsRegister> | null;
  return (
    typeof register === 'object' &&
    register !== null &&
    typeof register.registerMetric === 'function' &&
    typeof register.getSingleMetric === 'function' &&
    typeof register.removeSingleMetric === 'function'
  );
}
