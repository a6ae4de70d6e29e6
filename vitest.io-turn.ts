// A vitest setup file every package's tests run with: before each test, one turn of the event
// loop. A test's teardown closes its servers inside promise callbacks, and the next test can start
// and connect before the event loop has polled for I/O even once; a client that keeps connections
// per address (Node's keep-alive agent, undici's pool) has then not yet read that the server closed
// them. Should the system hand the next server the same port — it does, now and then — the client
// would send on a connection that is gone. One turn lets it read the close first.
import { beforeEach } from 'vitest';

beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
