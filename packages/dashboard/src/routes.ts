import type { ControlAction } from './options.ts';

/** @internal What a request asks the dashboard for. */
export type Route =
  | { readonly kind: 'page' | 'events' | 'snapshot' }
  | { readonly kind: 'control'; readonly action: ControlAction; readonly name: string | null }
  /** One breaker, by the id the stream gives a long name. */
  | { readonly kind: 'breaker'; readonly id: string | null }
  /** The page asked for without its trailing slash: its relative links need one. */
  | { readonly kind: 'redirect'; readonly location: string }
  /** Not a path of the dashboard. */
  | { readonly kind: 'none' };

const page: Route = { kind: 'page' };
const events: Route = { kind: 'events' };
const snapshot: Route = { kind: 'snapshot' };
const none: Route = { kind: 'none' };

/**
 * @internal Routes a request by its path below the mount point.
 *
 * @param url - `req.url`: with Express, the path below the mount path.
 * @param basePath - the prefix `req.url` still carries ('' for none).
 * @param originalUrl - Express's `req.originalUrl`, the path before Express stripped the mount
 * path, which tells `/breakers` from `/breakers/` when both arrive as `/`.
 */
export function routeOf(url: string, basePath: string, originalUrl: string | undefined): Route {
  const [path, query] = splitUrl(url);
  let below = path;
  if (basePath !== '') {
    if (path === basePath) return redirect(path, query);
    if (!path.startsWith(`${basePath}/`)) return none;
    below = path.slice(basePath.length);
  } else if (path === '/' && originalUrl !== undefined) {
    const [original] = splitUrl(originalUrl);
    if (!original.endsWith('/')) return redirect(original, query);
  }
  switch (below) {
    case '/':
      return page;
    case '/events':
      return events;
    case '/snapshot':
      return snapshot;
    case '/breaker':
      return { kind: 'breaker', id: new URLSearchParams(query).get('id') };
    case '/isolate':
    case '/reset':
      return {
        kind: 'control',
        action: below === '/isolate' ? 'isolate' : 'reset',
        name: new URLSearchParams(query).get('name'),
      };
    default:
      return none;
  }
}

function splitUrl(url: string): [path: string, query: string] {
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const question = beforeHash.indexOf('?');
  return question < 0
    ? [beforeHash, '']
    : [beforeHash.slice(0, question), beforeHash.slice(question + 1)];
}

/**
 * A relative location, so the redirect stays right behind a proxy that serves the app under a
 * prefix of its own; `./` keeps a segment with a colon from reading as a URL scheme. Anything but
 * printable ASCII is percent-encoded: node:http throws on such a header value.
 */
function redirect(path: string, query: string): Route {
  const segment = path.slice(path.lastIndexOf('/') + 1);
  const location = `./${segment}/${query === '' ? '' : `?${query}`}`;
  return {
    kind: 'redirect',
    location: location.replace(/[^\x21-\x7e]/g, (char) => encodeURIComponent(char)),
  };
}
