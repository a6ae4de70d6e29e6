// A shop.Inventory server in a process of its own, for a test to kill mid-stream: every call
// stalls (a streaming response after its first message). Prints `{"address": …}` once it serves.
// Run with `node` (types stripped); it loads the grpc-js TRIPSWITCH_GRPC_JS names, as the test does.
import { stall, startInventory } from './inventory-server.ts';

const server = await startInventory(() => {}, stall);
process.stdout.write(`${JSON.stringify({ address: server.address })}\n`);
