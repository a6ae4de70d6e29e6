/** @internal A script's reply as an array, whichever client and protocol version brought it. */
export function replyArray(reply: unknown): unknown[] | undefined {
  return Array.isArray(reply) ? reply : undefined;
}

/** @internal A reply element as a string: clients may bring bulk strings as Buffers. */
export function replyString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return '';
}

/** @internal A reply element as a number (NaN when it is none). */
export function replyNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  const text = replyString(value);
  return text === '' ? Number.NaN : Number(text);
}
