// The action slows to Heroku's refill pace when little of the rate-limit bucket is left.
import { describe, expect, it } from 'vitest';
import type { JsonResponse } from '../../src/io/http.js';
import {
  LOW_REMAINING,
  pacedCall,
  rateLimitPauseMs,
  REFILL_INTERVAL_MS,
} from '../../src/platforms/heroku/rate-limit.js';

describe('Heroku rate-limit pacing', () => {
  it.each([
    [undefined, 0],
    ['4500', 0],
    [String(LOW_REMAINING + 1), 0],
    [String(LOW_REMAINING), REFILL_INTERVAL_MS],
    ['0', REFILL_INTERVAL_MS],
    ['soon', 0],
  ])('remaining %s: pause %i ms', (remaining, pause) => {
    expect(rateLimitPauseMs(remaining)).toBe(pause);
  });

  it('waits after an answer with little left, not after one with room', async () => {
    const answers = ['4000', '150'];
    const sleeps: number[] = [];
    const call = pacedCall(
      (): Promise<JsonResponse> =>
        Promise.resolve({
          status: 200,
          headers: { 'ratelimit-remaining': answers.shift() ?? '' },
          body: {},
        }),
      (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    );
    await call('GET', '/apps/demo');
    await call('GET', '/apps/demo');
    expect(sleeps).toEqual([REFILL_INTERVAL_MS]);
  });
});
