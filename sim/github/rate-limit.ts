// The primary rate limit GitHub applies per token and reports in x-ratelimit-* headers.

// GitHub's authenticated REST limit per hour.
const LIMIT = 5000;
const WINDOW_MS = 60 * 60 * 1000;

export class RateLimit {
  private used = 0;
  private resetAt = 0;

  /** Counts one request; false when the window's quota is already spent. */
  take(now = Date.now()): boolean {
    this.roll(now);
    if (this.used >= LIMIT) return false;
    this.used += 1;
    return true;
  }

  headers(now = Date.now()): Record<string, string> {
    this.roll(now);
    return {
      'x-ratelimit-limit': String(LIMIT),
      'x-ratelimit-remaining': String(LIMIT - this.used),
      'x-ratelimit-reset': String(Math.ceil(this.resetAt / 1000)),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-resource': 'core',
    };
  }

  private roll(now: number): void {
    if (now >= this.resetAt) {
      this.used = 0;
      this.resetAt = now + WINDOW_MS;
    }
  }
}
