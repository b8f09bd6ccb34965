// The simulated Heroku rate limit: a bucket of 4,500 per token refilling about 75 a minute.
import { describe, expect, it } from 'vitest';
import { BUCKET_SIZE, RateLimiter } from '../../sim/heroku/rate-limit.js';

describe('simulated Heroku rate limit', () => {
  it('refills about 75 a minute up to 4,500 and refuses when empty', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    limiter.set('a', 1);
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 0 });
    expect(limiter.take('a')).toEqual({ allowed: false, remaining: 0 });
    now += 60_000;
    expect(limiter.take('a')).toEqual({ allowed: true, remaining: 74 });
    now += 24 * 60 * 60_000;
    expect(limiter.take('a').remaining).toBe(BUCKET_SIZE - 1);
    expect(limiter.take('b').remaining).toBe(BUCKET_SIZE - 1);
  });
});
