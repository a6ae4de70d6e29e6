/**
 * One engine row of `pnpm bench` for one library, in a process of its own, for main.ts to run
 * under callgrind: it prepares the row as the timed bench does (subjects/), makes `warmup`
 * calls, then `calls` more, awaiting each, and exits, so callgrind's count covers the start-up,
 * the warm-up and exactly that many calls.
 */
import { cockatiel } from '../subjects/cockatiel.ts';
import { floor } from '../subjects/floor.ts';
import { tripswitch } from '../subjects/tripswitch.ts';
import type { Library } from '../types.ts';

const libraries: Record<string, Library> = { floor, tripswitch, cockatiel };

const [library, row, warmupText, callsText] = process.argv.slice(2);
const contender = libraries[library ?? '']?.rows[row ?? ''];
const warmup = Number(warmupText);
const calls = Number(callsText);
if (contender === undefined || !Number.isInteger(warmup) || !Number.isInteger(calls)) {
  throw new Error('usage: counted-calls.ts <floor|tripswitch|cockatiel> <row> <warm-up> <calls>');
}
const { op, check, dispose } = await contender.prepare();

// Rejections are the rows' expected outcome (failing, refused calls): awaited and dropped.
async function repeat(times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    try {
      await op();
    } catch {}
  }
}

await repeat(warmup);
await repeat(calls);
const problem = check?.();
dispose?.();
if (problem !== undefined) throw new Error(`${library} ${row}: ${problem}`);
