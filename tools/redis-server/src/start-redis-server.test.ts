import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ping } from './ping.ts';
import { type RedisServer, startRedisServer } from './start-redis-server.ts';

/** Sends one command in RESP and returns the raw reply (enough for these checks). */
function command(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.on('error', reject);
    socket.on('connect', () =>
      socket.write(
        `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`,
      ),
    );
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      // Every reply used here is complete once it ends a line and its bulk strings are in.
      if (/\r\n$/.test(reply) && !/^\*\d+\r\n$|\$\d+\r\n$/.test(reply)) {
        socket.end();
        resolve(reply);
      }
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function started(): Promise<RedisServer> {
  const server = await startRedisServer();
  onTestFinished(() => server.stop());
  return server;
}

describe('startRedisServer', () => {
  it('starts a server on 127.0.0.1 that answers PING, and stops it by its PID', async () => {
    const server = await startRedisServer();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(alive(server.pid)).toBe(true);
    expect(server.running).toBe(true);
    expect(await ping(server.port)).toBe(true);
    await server.stop();
    expect(alive(server.pid)).toBe(false);
    expect(server.running).toBe(false);
    expect(await ping(server.port)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
    await server.stop(); // a second stop is harmless
  });

  it('runs without persistence, in protected mode, bound to loopback, in its own directory', async () => {
    const server = await started();
    const config = async (name: string) =>
      (await command(server.port, 'CONFIG', 'GET', name)).split('\r\n')[4];
    expect(await config('save')).toBe('');
    expect(await config('appendonly')).toBe('no');
    expect(await config('protected-mode')).toBe('yes');
    expect(await config('bind')).toBe('127.0.0.1');
    expect(await config('daemonize')).toBe('no');
    expect(await config('dir')).toBe(server.dir);
  });

  it('gives each server its own port', async () => {
    const [a, b] = await Promise.all([started(), started()]);
    expect(a?.port).not.toBe(b?.port);
    expect(a?.pid).not.toBe(b?.pid);
  });

  it('kills the server like a crash, and restarts it empty on the same port', async () => {
    const server = await started();
    expect(await command(server.port, 'SET', 'k', 'v')).toBe('+OK\r\n');
    const before = server.pid;
    await server.kill();
    expect(alive(before)).toBe(false);
    expect(server.running).toBe(false);
    expect(await ping(server.port)).toBe(false);
    await server.restart();
    expect(server.pid).not.toBe(before);
    expect(server.running).toBe(true);
    expect(await ping(server.port)).toBe(true);
    expect(await command(server.port, 'GET', 'k')).toBe('$-1\r\n');
  });

  it('restarts a running server', async () => {
    const server = await started();
    const before = server.pid;
    await server.restart();
    expect(alive(before)).toBe(false);
    expect(await ping(server.port)).toBe(true);
  });

  it('passes extra arguments to redis-server', async () => {
    const server = await startRedisServer({ args: ['--maxmemory', '12mb'] });
    onTestFinished(() => server.stop());
    expect(await command(server.port, 'CONFIG', 'GET', 'maxmemory')).toContain('12582912');
  });

  it('rejects with what the server printed when it cannot start', async () => {
    await expect(startRedisServer({ args: ['--no-such-directive', 'x'] })).rejects.toThrow(
      /exited .* before it answered PING[\s\S]*no-such-directive/,
    );
  });
});
