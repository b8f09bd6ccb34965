import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../src/platforms/kit/poll.js';

/** A fake clock: sleeping moves time on, nothing waits. */
function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let time = 0;
  const slept: number[] = [];
  return {
    now: () => time,
    sleep: (ms) => {
      slept.push(ms);
      time += ms;
      return Promise.resolve();
    },
    slept,
  };
}

/** Reads the values in turn, the last one repeating. */
function reader(values: readonly number[]): { read: () => Promise<number>; reads: () => number } {
  let count = 0;
  return {
    read: () => Promise.resolve(values[Math.min(count++, values.length - 1)] ?? -1),
    reads: () => count,
  };
}

const limits = { intervalsMs: [100, 200, 500], maxPolls: 50, timeoutMs: 10_000 };

describe('pollUntil', () => {
  it.each([
    { name: 'done at once', values: [1], done: true, value: 1, slept: [] },
    { name: 'done on the third read', values: [0, 0, 1], done: true, value: 1, slept: [100, 200] },
    {
      name: 'intervals grow, the last repeats',
      values: [0, 0, 0, 0, 0, 1],
      done: true,
      value: 1,
      slept: [100, 200, 500, 500, 500],
    },
  ])('$name', async ({ values, done, value, slept }) => {
    const clock = fakeClock();
    const source = reader(values);
    const result = await pollUntil(source.read, (read) => read === 1, clock, limits);
    expect(result).toEqual({ value, done });
    expect(clock.slept).toEqual(slept);
    expect(source.reads()).toBe(slept.length + 1);
  });

  it('stops at the deadline with the last value, not done', async () => {
    const clock = fakeClock();
    const result = await pollUntil(reader([0]).read, (read) => read === 1, clock, {
      ...limits,
      timeoutMs: 450,
    });
    expect(result).toEqual({ value: 0, done: false });
    expect(clock.slept).toEqual([100, 200, 500]);
  });

  it('counts time spent before the first read when given where the wait began', async () => {
    const clock = fakeClock();
    await clock.sleep(400);
    const result = await pollUntil(
      reader([0]).read,
      () => false,
      clock,
      { ...limits, timeoutMs: 450 },
      { started: 0 },
    );
    expect(result.done).toBe(false);
    expect(clock.slept).toEqual([400, 100]);
  });

  it('stops after maxPolls waits whatever the clock says', async () => {
    const clock = { now: () => 0, sleep: () => Promise.resolve() };
    const source = reader([0]);
    const result = await pollUntil(source.read, () => false, clock, { ...limits, maxPolls: 3 });
    expect(result.done).toBe(false);
    expect(source.reads()).toBe(4);
  });

  it('skips the first read when given a value just read', async () => {
    const clock = fakeClock();
    const source = reader([1]);
    const result = await pollUntil(source.read, (read) => read === 1, clock, limits, {
      first: { value: 0 },
    });
    expect(result).toEqual({ value: 1, done: true });
    expect(source.reads()).toBe(1);
    expect(clock.slept).toEqual([100]);
  });

  it('tells each wait before it happens', async () => {
    const waits: number[] = [];
    await pollUntil(reader([0, 0, 1]).read, (read) => read === 1, fakeClock(), limits, {
      onWait: (count) => waits.push(count),
    });
    expect(waits).toEqual([0, 1]);
  });
});
