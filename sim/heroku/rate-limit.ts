// Heroku's API rate limit, per token: a bucket of 4,500 requests refilled at about 75 a
// minute, the remaining count on every answer (`RateLimit-Remaining`), 429 when it is empty
// (Dev Center "Platform API Reference", Rate Limits).

export const BUCKET_SIZE = 4500;
export const REFILL_PER_MINUTE = 75;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Counts one request of `token`; the remaining count, or undefined when refused. */
  take(token: string): { allowed: boolean; remaining: number } {
    const bucket = this.refilled(token);
    if (bucket.tokens < 1) return { allowed: false, remaining: 0 };
    bucket.tokens -= 1;
    return { allowed: true, remaining: Math.floor(bucket.tokens) };
  }

  /** Sets what is left for `token` (tests: a nearly empty bucket). */
  set(token: string, remaining: number): void {
    this.buckets.set(token, { tokens: remaining, at: this.now() });
  }

  private refilled(token: string): { tokens: number; at: number } {
    const now = this.now();
    const bucket = this.buckets.get(token) ?? { tokens: BUCKET_SIZE, at: now };
    bucket.tokens = Math.min(
      BUCKET_SIZE,
      bucket.tokens + ((now - bucket.at) / 60_000) * REFILL_PER_MINUTE,
    );
    bucket.at = now;
    this.buckets.set(token, bucket);
    return bucket;
  }
}
