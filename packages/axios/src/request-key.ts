import { originOf } from '@tripswitch/core/http';
import type { InternalAxiosRequestConfig } from 'axios';

// axios's isAbsoluteURL: a scheme followed by "//", or a protocol-relative "//".
const absoluteUrl = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * The default key: the origin of the URL axios will request. axios's `buildFullPath` puts
 * `baseURL` in front of `url` unless `url` is absolute (and `allowAbsoluteUrls` is not false),
 * always with a "/" between them, so the origin is the base's or the url's; `params` only add a
 * query. This reads it without `instance.getUri(config)`, which merges the instance's defaults
 * into the config again and costs more than the rest of the breaker's work on a request; a test
 * holds the two equal. In a browser a relative URL is read against the page. A `URL` object
 * (outside axios's types, but sent by its adapters) is read as its `href`. A URL with no origin
 * to read (relative, with no `baseURL`, outside a browser; a `URL` object behind a `baseURL`,
 * which axios cannot join) gives `undefined`: the request goes around the breaker, and axios
 * rejects it as it would without one.
 */
export function originKey(config: InternalAxiosRequestConfig): string | undefined {
  const { url, baseURL } = config;
  const relative = typeof url !== 'string' || !absoluteUrl.test(url);
  if (baseURL && (relative || config.allowAbsoluteUrls === false)) {
    // axios joins only a string to the base; a URL object there makes it reject the request.
    return url === undefined || url === null || typeof url === 'string'
      ? originFrom(baseURL)
      : undefined;
  }
  // A URL object, which axios's types do not allow but its adapters send as they send its href.
  return originFrom((url as unknown) instanceof URL ? (url as unknown as URL).href : url);
}

function originFrom(target: unknown): string | undefined {
  if (typeof target !== 'string') return undefined;
  try {
    const page = pageUrl();
    // Outside a browser the URL stands alone, and originOf reads its origin from a memory.
    return originOf(page === undefined ? target : new URL(target, page));
  } catch {
    return undefined;
  }
}

function pageUrl(): string | undefined {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  return typeof href === 'string' ? href : undefined;
}
