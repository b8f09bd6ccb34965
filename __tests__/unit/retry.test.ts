import { describe, expect, it } from 'vitest';
import { backoffDelayMs, nextRetry, parseRetryAfterMs } from '../../src/io/retry.js';
import type { RetryPolicy } from '../../src/io/retry.js';

const policy: RetryPolicy = { attempts: 4, baseMs: 100, maxMs: 1_000, budgetMs: 5_000 };
const now = Date.parse('2026-01-01T00:00:00Z');

describe('backoffDelayMs', () => {
  it.each([
    // attempt, random, expected: ceiling is min(maxMs, baseMs * 2^(attempt-1))
    [1, 0, 0],
    [1, 0.5, 50],
    [1, 0.999, 99],
    [2, 0.5, 100],
    [3, 0.5, 200],
    [4, 0.5, 400],
    [5, 0.5, 500],
    [6, 0.5, 500],
    [60, 0.999, 999],
    [2000, 0.999, 999],
  ])('attempt %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, policy, () => random)).toBe(expected);
  });

  it('keeps a broken random source inside the ceiling', () => {
    expect(backoffDelayMs(1, policy, () => 7)).toBe(100);
    expect(backoffDelayMs(1, policy, () => -1)).toBe(0);
  });
});

describe('parseRetryAfterMs', () => {
  it.each([
    ['0', 0],
    ['3', 3_000],
    [' 120 ', 120_000],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
  ])('%j means %i ms', (value, expected) => {
    expect(parseRetryAfterMs(value, now)).toBe(expected);
  });

  it.each([undefined, null, '', '1.5', '-3', 'soon', 'Thu, 99 Foo 2026'])(
    '%j is not a usable value',
    (value) => {
      expect(parseRetryAfterMs(value, now)).toBeUndefined();
    },
  );

  it('reads the first of repeated headers', () => {
    expect(parseRetryAfterMs(['2', '9'], now)).toBe(2_000);
  });
});

describe('nextRetry', () => {
  it('backs off while attempts and budget remain', () => {
    expect(nextRetry(1, 0, policy, undefined, () => 0.5)).toEqual({ retry: true, delayMs: 50 });
  });

  it('stops after the last attempt', () => {
    const decision = nextRetry(4, 0, policy, undefined, () => 0.5);
    expect(decision).toEqual({ retry: false, reason: 'gave up after 4 attempts' });
  });

  it('uses the server-requested wait instead of the backoff', () => {
    expect(nextRetry(1, 0, policy, 2_000, () => 0.5)).toEqual({ retry: true, delayMs: 2_000 });
  });

  it('gives up when the requested wait does not fit the budget', () => {
    const decision = nextRetry(1, 4_000, policy, 2_000, () => 0.5);
    expect(decision.retry).toBe(false);
    if (!decision.retry) expect(decision.reason).toContain('Retry-After asks for 2000 ms');
  });

  it('gives up when the budget is already spent', () => {
    expect(nextRetry(1, 5_000, policy, undefined, () => 0.5).retry).toBe(false);
  });
});
