import { readFileSync } from 'node:fs';

/** The installed version of a package of the bench, read from its package.json. */
export function installedVersion(packageName: string): string {
  // Read from disk rather than resolved: not every package exports its package.json.
  const url = new URL(`../../node_modules/${packageName}/package.json`, import.meta.url);
  const { version } = JSON.parse(readFileSync(url, 'utf8')) as { version: string };
  return version;
}
