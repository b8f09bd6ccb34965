// Retry timing, kept pure (no timers): backoff with full jitter and `Retry-After` parsing.

/** How hard to retry one request. */
export interface RetryPolicy {
  /** Attempts in total, the first one included (1 = never retry). */
  readonly attempts: number;
  /** Ceiling of the first backoff; it doubles per attempt. */
  readonly baseMs: number;
  /** No single wait is longer than this (unless the server asks for it with Retry-After). */
  readonly maxMs: number;
  /** Time all attempts and waits of one request may take together. */
  readonly budgetMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 5,
  baseMs: 500,
  maxMs: 8_000,
  budgetMs: 60_000,
};

/**
 * Wait before the next attempt after `attempt` (1-based) failed: a uniform random value in
 * [0, min(maxMs, baseMs * 2^(attempt-1))) — "full jitter", so that many clients spread out.
 */
export function backoffDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // 2^exponent overflows to Infinity for huge attempts; Math.min still caps it.
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const fraction = Math.min(Math.max(random(), 0), 1);
  return Math.floor(fraction * Math.max(0, ceiling));
}

/**
 * Milliseconds a `Retry-After` value asks to wait: delta-seconds or an HTTP date (relative to
 * `nowMs`). Undefined when absent or unreadable, so the caller falls back to its backoff.
 */
export function parseRetryAfterMs(
  value: string | readonly string[] | undefined | null,
  nowMs: number,
): number | undefined {
  const raw: string | undefined | null =
    typeof value === 'string' || value == null ? value : value[0];
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only dates with letters in them: Date.parse would also accept "1.5" or "-3".
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** What to do after a failed attempt. */
export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: string };

/**
 * Decides whether attempt `attempt + 1` may run and after which wait. A server-requested wait
 * (`retryAfterMs`) replaces the backoff; when it or the backoff would overrun the budget, stop
 * instead of hammering early.
 */
export function nextRetry(
  attempt: number,
  elapsedMs: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): RetryDecision {
  if (attempt >= policy.attempts) {
    return { retry: false, reason: `gave up after ${attempt} attempts` };
  }
  const delayMs = retryAfterMs ?? backoffDelayMs(attempt, policy, random);
  const remainingMs = policy.budgetMs - elapsedMs;
  if (delayMs > remainingMs) {
    const asked = retryAfterMs === undefined ? '' : ` (Retry-After asks for ${delayMs} ms)`;
    return {
      retry: false,
      reason: `retry budget of ${policy.budgetMs} ms would be exceeded${asked}`,
    };
  }
  return { retry: true, delayMs };
}
