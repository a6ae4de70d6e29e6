/**
 * One server of servers.ts in a process of its own, for main.ts to run under callgrind: it
 * answers `total` requests, then exits, so callgrind's count covers the start-up and exactly
 * that many requests. Sends its parent its port once it listens.
 */
import { createServer } from 'node:http';
import { buildServer, type ServerName } from '../http/servers.ts';

const [name, totalText] = process.argv.slice(2);
const total = Number(totalText);
if (!Number.isInteger(total) || total < 1)
  throw new Error(`usage: counted-server.ts <server> <requests>`);
const { listener } = await buildServer(name as ServerName);

let answered = 0;
const server = createServer((req, res) => {
  answered++;
  if (answered === total) res.on('close', () => process.exit(0));
  listener(req, res);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('not a TCP server');
  process.send?.({ port: address.port });
});
