import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ensureRedisServer } from './ensure-redis-server.ts';

function emptyDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tripswitch-path-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function putExecutable(dir: string): string {
  const file = join(dir, 'redis-server');
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
}

describe('ensureRedisServer', () => {
  it('finds redis-server on PATH', () => {
    const dir = emptyDirectory();
    const file = putExecutable(dir);
    let installs = 0;
    const found = ensureRedisServer({ path: dir, canInstall: true, install: () => installs++ });
    expect(found).toBe(file);
    expect(installs).toBe(0);
  });

  it('installs the package when it is missing and it may, then finds it', () => {
    const dir = emptyDirectory();
    let installs = 0;
    const found = ensureRedisServer({
      path: dir,
      canInstall: true,
      install: () => {
        installs++;
        putExecutable(dir);
      },
    });
    expect(installs).toBe(1);
    expect(found).toBe(join(dir, 'redis-server'));
  });

  it('says how to install it when it is missing and it may not install', () => {
    expect(() => ensureRedisServer({ path: emptyDirectory(), canInstall: false })).toThrow(
      /`redis-server` is not on PATH[\s\S]*apt-get install -y redis-server/,
    );
  });

  it('fails clearly when the installation leaves it missing', () => {
    expect(() =>
      ensureRedisServer({ path: emptyDirectory(), canInstall: true, install: () => {} }),
    ).toThrow(/still not on PATH/);
  });
});
