// Retrying idempotent GitHub API reads through octokit, shared by every module that calls GitHub.
import { setTimeout as sleep } from 'node:timers/promises';
import { nextRetry, parseRetryAfterMs } from '../io/retry.js';
import type { RetryPolicy } from '../io/retry.js';

/** GET is idempotent, so a read that hit a 5xx or a network error is simply done again. */
export const GITHUB_READ_RETRY: RetryPolicy = {
  attempts: 3,
  baseMs: 500,
  maxMs: 2_000,
  budgetMs: 60_000,
};

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** The HTTP status octokit attached to an error, if any. */
export function statusOf(error: unknown): number | undefined {
  const status = fieldOf(error, 'status');
  return typeof status === 'number' ? status : undefined;
}

/** A response header of an octokit error (names are lower-case). */
export function headerOf(error: unknown, name: string): string | undefined {
  const value = fieldOf(fieldOf(fieldOf(error, 'response'), 'headers'), name);
  return typeof value === 'string' ? value : undefined;
}

/** octokit reports network failures and timeouts as status 500 too: all worth another try,
 * and so is a 429 (secondary rate limit), after its Retry-After. */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  return status !== undefined && (status >= 500 || status === 429);
}

/**
 * Runs `read` until it succeeds, retrying 5xx and network errors per `policy`. When it gives
 * up, throws what `explain` makes of the last error and the number of attempts made. Only for
 * requests that are safe to repeat (GET).
 */
export async function retryRead<T>(
  read: () => Promise<T>,
  explain: (error: unknown, attempts: number) => Error,
  policy: RetryPolicy = GITHUB_READ_RETRY,
): Promise<T> {
  const startedAt = Date.now();
  let lastError: unknown;
  let attempts = 0;
  while (attempts < policy.attempts) {
    attempts += 1;
    try {
      return await read();
    } catch (error) {
      lastError = error;
      if (!isRetryable(error)) break;
      const retryAfter = headerOf(error, 'retry-after');
      const decision = nextRetry(
        attempts,
        Date.now() - startedAt,
        policy,
        retryAfter === undefined ? undefined : parseRetryAfterMs(retryAfter, Date.now()),
      );
      if (!decision.retry) break;
      await sleep(decision.delayMs);
    }
  }
  throw explain(lastError, attempts);
}

/** GitHub's rate-limit answer (403/429 with no requests left), as one line; else undefined. */
export function rateLimitMessage(error: unknown, detail: string): string | undefined {
  const status = statusOf(error);
  if ((status !== 403 && status !== 429) || headerOf(error, 'x-ratelimit-remaining') !== '0') {
    return undefined;
  }
  const reset = headerOf(error, 'x-ratelimit-reset');
  const when =
    reset === undefined ? '' : ` (resets at ${new Date(Number(reset) * 1000).toISOString()})`;
  return `GitHub API rate limit exceeded${when}: ${detail}`;
}
