// The suite's entry for runtimes started from a command line (Node.js, Bun, Deno): the
// upstream's URL is the first argument; the report is printed as one line of JSON, with where
// each package was loaded from.
import { cases } from '../suite/cases.ts';
import { runCases } from '../suite/harness.ts';

const { Bun, Deno, process } = globalThis as {
  Bun?: { version: string };
  Deno?: { args: string[]; version: { deno: string } };
  process?: { argv: string[]; version: string };
};
const args = Deno?.args ?? process?.argv.slice(2) ?? [];
// Bun and Deno also define `process`: ask for theirs first.
const version = Bun?.version ?? Deno?.version.deno ?? process?.version ?? 'unknown';
const upstream = args[0];
if (upstream === undefined) throw new Error('usage: <runtime> entries/cli.ts <upstream URL>');

const report = await runCases(cases, upstream);
const modules = ['@tripswitch/core', '@tripswitch/fetch', '@tripswitch/hono'].map((name) =>
  import.meta.resolve(name),
);
console.log(JSON.stringify({ ...report, version, modules }));
