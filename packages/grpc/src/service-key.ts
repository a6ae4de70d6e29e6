/**
 * The default key, and name, of the breaker a call goes through: its service, the method path up
 * to its last `/` (`/shop.Inventory/GetStock` → `/shop.Inventory`), so every method of a service
 * shares one breaker. A path with no `/` after its first character is its own key; a path that is
 * not a non-empty string (no grpc-js client makes one) sends the call around the breaker.
 */
export function serviceOf(methodPath: unknown): string | undefined {
  if (typeof methodPath !== 'string' || methodPath.length === 0) return undefined;
  const end = methodPath.lastIndexOf('/');
  return end > 0 ? methodPath.slice(0, end) : methodPath;
}
