// What the cases ask the driver's upstream server around the breakers (see src/upstream.ts).

/** How many requests for `path` the upstream received. */
export async function received(upstream: string, path: string): Promise<number> {
  const response = await fetch(`${upstream}/_count?path=${encodeURIComponent(path)}`);
  return ((await response.json()) as { count: number }).count;
}

/** Resolves once the upstream has received a request for `path` (it answers when it has). */
export async function arrived(upstream: string, path: string): Promise<void> {
  const response = await fetch(`${upstream}/_arrived?path=${encodeURIComponent(path)}`);
  await response.text();
}

/** Sends the upstream a request for `path`, which it counts and answers 200; reads the answer. */
export async function touch(upstream: string, path: string): Promise<void> {
  const response = await fetch(`${upstream}${path}`);
  await response.text();
}
