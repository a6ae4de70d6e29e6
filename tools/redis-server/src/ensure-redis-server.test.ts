import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
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
    expect(ensureRedisServer({ path: [emptyDirectory(), dir].join(delimiter) })).toBe(file);
  });

  it('fails at once when it is missing, naming the commands that install it', () => {
    expect(() => ensureRedisServer({ path: emptyDirectory() })).toThrow(
      /`redis-server` is not on PATH[\s\S]*scripts\/system-packages\.sh redis-server[\s\S]*apt-get install -y redis-server/,
    );
  });
});
