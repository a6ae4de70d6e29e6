/** How the upstream misbehaves; every field can be changed while it runs. */
export interface Chaos {
  /** The share of requests, in [0, 1], answered with 500 at random. */
  failureRate: number;
  /** Milliseconds added before every answer. */
  latencyMs: number;
  /** Whether every request is answered with 503 at once (a full outage). */
  outage: boolean;
  /** The Retry-After, in seconds, sent with outage 503s; none when undefined. */
  retryAfterSeconds: number | undefined;
}

/** A healthy upstream: no failures, no added latency, no outage. */
export const healthy: Readonly<Chaos> = {
  failureRate: 0,
  latencyMs: 0,
  outage: false,
  retryAfterSeconds: undefined,
};

/**
 * Checks a partial chaos update from an HTTP body, naming the first bad field. Returns the
 * update, or a message for a 400 response.
 */
export function parseChaos(value: unknown): Partial<Chaos> | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'expected a JSON object with failureRate, latencyMs, outage or retryAfterSeconds';
  }
  const update: Partial<Chaos> = {};
  for (const [key, field] of Object.entries(value)) {
    switch (key) {
      case 'failureRate':
        if (typeof field !== 'number' || !(field >= 0 && field <= 1))
          return 'failureRate: a number in [0, 1]';
        update.failureRate = field;
        break;
      case 'latencyMs':
        if (typeof field !== 'number' || !(field >= 0 && field <= 60_000))
          return 'latencyMs: a number in [0, 60000]';
        update.latencyMs = field;
        break;
      case 'outage':
        if (typeof field !== 'boolean') return 'outage: true or false';
        update.outage = field;
        break;
      case 'retryAfterSeconds':
        if (field !== null && !(Number.isInteger(field) && (field as number) >= 0)) {
          return 'retryAfterSeconds: an integer >= 0, or null';
        }
        update.retryAfterSeconds = field === null ? undefined : (field as number);
        break;
      default:
        return `unknown field "${key}"; allowed: failureRate, latencyMs, outage, retryAfterSeconds`;
    }
  }
  return update;
}
