/**
 * Copies onto `wrapper` the properties the wrapped `fetch` carries beyond a function's own — such
 * as Bun's `fetch.preconnect()` — so the wrapper is what its type, `typeof fetch`, says it is in
 * every runtime. Read once, when the wrapper is made.
 */
export function inheritExtras<T extends object>(wrapper: T, wrapped: object): T {
  for (const name of Object.getOwnPropertyNames(wrapped)) {
    if (name === 'prototype' || name in wrapper) continue;
    const descriptor = Object.getOwnPropertyDescriptor(wrapped, name);
    if (descriptor !== undefined) Object.defineProperty(wrapper, name, descriptor);
  }
  return wrapper;
}
