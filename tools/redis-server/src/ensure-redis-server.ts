import { execFileSync } from 'node:child_process';
import { findOnPath } from './find-on-path.ts';

/** How {@link ensureRedisServer} finds or installs `redis-server`; each part can be replaced in tests. */
export interface EnsureRedisServerOptions {
  /** The PATH to search. @defaultValue `process.env.PATH` */
  path?: string;
  /** Whether this process may install system packages. @defaultValue running as root on Linux */
  canInstall?: boolean;
  /** Installs Debian's package. @defaultValue {@link installDebianRedisServer} */
  install?: () => void;
}

/**
 * The path of `redis-server`. When it is not on PATH and the process runs as root on Linux, it
 * installs Debian's package first (as `.ci/run` would on a fresh machine); otherwise it throws an
 * error that says how to install it. Debian's package starts no daemon in a container; the tests
 * start their own server on a free port.
 */
export function ensureRedisServer(options: EnsureRedisServerOptions = {}): string {
  const {
    path = process.env.PATH ?? '',
    canInstall = process.platform === 'linux' && process.getuid?.() === 0,
    install = installDebianRedisServer,
  } = options;
  const found = findOnPath('redis-server', path);
  if (found !== undefined) return found;
  if (!canInstall) {
    throw new Error(
      '`redis-server` is not on PATH, and the Redis tests and benchmarks need a real one. Install ' +
        'it (Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`) ' +
        'and run them again; when they run as root on Linux they install it themselves.',
    );
  }
  console.info('[redis-server] redis-server is missing: installing Debian’s package with apt-get');
  install();
  const installed = findOnPath('redis-server', path);
  if (installed === undefined) {
    throw new Error('apt-get installed redis-server, but `redis-server` is still not on PATH');
  }
  return installed;
}

/** `apt-get update`, then `apt-get install -y redis-server`, without questions. */
export function installDebianRedisServer(): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', 'redis-server'], { stdio: 'inherit', env });
}
