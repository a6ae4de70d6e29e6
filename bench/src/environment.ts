import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Where and when a run took place. */
export interface Environment {
  date: string;
  node: string;
  v8: string;
  cpu: string;
  cores: number;
  platform: string;
  /** The commit of the workspace, with a note when it has uncommitted changes. */
  commit: string;
}

/** Describes the machine, the runtime and the workspace this run measures. */
export function describeEnvironment(): Environment {
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    platform: `${process.platform} ${process.arch}`,
    commit: gitCommit(),
  };
}

function gitCommit(): string {
  const cwd = new URL('.', import.meta.url);
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
    const sha = git('rev-parse', '--short', 'HEAD');
    // Others may be editing packages/core while the bench runs; say so when they are.
    const dirty = git('status', '--porcelain', '--', '../../packages/core') !== '';
    return dirty ? `${sha} (packages/core has uncommitted changes)` : sha;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
