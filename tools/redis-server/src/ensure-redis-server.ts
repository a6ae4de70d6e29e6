import { findOnPath } from './find-on-path.ts';

/** Where {@link ensureRedisServer} looks for `redis-server`; replaced in tests. */
export interface EnsureRedisServerOptions {
  /** The PATH to search. @defaultValue `process.env.PATH` */
  path?: string;
}

/**
 * The path of `redis-server` on PATH. Tests never install software: when it is missing this throws
 * at once, naming the command that installs it (`scripts/system-packages.sh`, which `npm test`
 * and `npm run bench` run first). Debian's package starts no daemon in a container; the tests
 * start their own servers on free ports.
 */
export function ensureRedisServer(options: EnsureRedisServerOptions = {}): string {
  const { path = process.env.PATH ?? '' } = options;
  const found = findOnPath('redis-server', path);
  if (found !== undefined) return found;
  throw new Error(
    '`redis-server` is not on PATH, and the Redis tests and benchmarks need a real one. Install ' +
      'it with `bash scripts/system-packages.sh redis-server` from the repository (as root it ' +
      'runs `apt-get install -y redis-server`; otherwise it prints the command to run), or ' +
      'Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`. ' +
      '`npm test` installs it first.',
  );
}
