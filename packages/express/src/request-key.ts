import { InvalidOptionError } from '@tripswitch/core';
import type { Request } from 'express';

/** What `key` must return, with the mistake that most often makes it return nothing. */
const expected =
  'a function returning a non-empty string for every request (in a middleware mounted with app.use(), no route has matched yet and req.params is empty: key by req.path there, or mount the middleware on the route, as in app.get(path, breakerMiddleware({ key }), handler))';

/**
 * @internal A user's `key`, with its result checked. A breaker needs a non-empty name, and a
 * server has no "around the breaker" to send a request to — unlike an HTTP client, for which
 * `undefined` means a URL with no origin — so `undefined` is a mistake too, most often
 * `req.params` read where params are not parsed yet. The error names `key` and that mistake.
 */
export function checkedRequestKey(key: (req: Request) => string): (req: Request) => string {
  return (req) => {
    const value: unknown = key(req);
    if (typeof value !== 'string' || value.length === 0) {
      throw new InvalidOptionError('key', value, expected);
    }
    return value;
  };
}
