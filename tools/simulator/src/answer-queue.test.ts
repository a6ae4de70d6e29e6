import { describe, expect, it } from 'vitest';
import { AnswerQueue } from './answer-queue.ts';
import { seededRandom } from './random.ts';

function drain(queue: AnswerQueue): number[] {
  const order: number[] = [];
  while (queue.size > 0) order.push(queue.pop());
  return order;
}

describe('AnswerQueue', () => {
  it('is empty at first: no size, an infinite next time, and pop throws', () => {
    const queue = new AnswerQueue(new Float64Array(3), 3);
    expect(queue.size).toBe(0);
    expect(queue.peekTime()).toBe(Number.POSITIVE_INFINITY);
    expect(() => queue.pop()).toThrow(RangeError);
  });

  it('returns calls earliest answer first', () => {
    const time = Float64Array.from([30, 10, 20, 5]);
    const queue = new AnswerQueue(time, 4);
    for (const call of [0, 1, 2, 3]) queue.push(call);
    expect(queue.peekTime()).toBe(5);
    expect(drain(queue)).toEqual([3, 1, 2, 0]);
  });

  it('breaks ties by call number, whatever the order of pushing', () => {
    const time = Float64Array.from([7, 7, 7, 7, 7]);
    const queue = new AnswerQueue(time, 5);
    for (const call of [3, 0, 4, 2, 1]) queue.push(call);
    expect(drain(queue)).toEqual([0, 1, 2, 3, 4]);
  });

  it('throws when pushed beyond its capacity', () => {
    const queue = new AnswerQueue(new Float64Array(2), 1);
    queue.push(0);
    expect(() => queue.push(1)).toThrow(RangeError);
  });

  it('agrees with a sort over thousands of interleaved pushes and pops', () => {
    const random = seededRandom(11);
    const n = 5_000;
    const time = Float64Array.from({ length: n }, () => Math.floor(random() * 300));
    const queue = new AnswerQueue(time, n);
    const waiting: number[] = [];
    const byTime = (a: number, b: number) => (time[a] as number) - (time[b] as number) || a - b;
    for (let call = 0; call < n; call++) {
      queue.push(call);
      waiting.push(call);
      if (random() < 0.4) {
        waiting.sort(byTime);
        expect(queue.pop()).toBe(waiting.shift());
      }
    }
    expect(drain(queue)).toEqual(waiting.sort(byTime));
  });
});
