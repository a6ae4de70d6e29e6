// A vitest setup file every package's tests run with: before each test, the event loop polls for
// I/O once. A test's teardown closes its servers inside I/O and promise callbacks, and the next
// test can start and connect before the loop has polled again; a client that keeps connections
// per address (Node's keep-alive agent, undici's pool) has then not yet read that the server
// closed them. Should the system hand the next server the same port — it does, now and then — the
// client would send on a connection that is gone. A setImmediate runs in the check phase of the
// loop's current turn, before any further poll; the one it schedules runs after the next poll.
import { beforeEach } from 'vitest';

beforeEach(() => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve))));
