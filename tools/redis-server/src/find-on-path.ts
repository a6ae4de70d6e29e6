import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What `which` would print: the first executable named `command` on `path`, or undefined. */
export function findOnPath(
  command: string,
  path: string = process.env.PATH ?? '',
): string | undefined {
  for (const directory of path.split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}
