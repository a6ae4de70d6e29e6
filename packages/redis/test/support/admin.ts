// A plain ioredis connection for the tests to look into Redis with (and to disturb it).
import { Redis } from 'ioredis';

export function adminClient(url: string): Redis {
  const admin = new Redis(url, { retryStrategy: () => 50 });
  admin.on('error', () => {});
  return admin;
}
