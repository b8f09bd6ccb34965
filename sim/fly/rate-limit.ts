// Fly's Machines API rate limits: token buckets per action and per machine (or app), about
// 1 request/s with a burst of 3, and 5/s with a burst of 10 for reading a machine.

export interface RateLimitOptions {
  /** Sustained requests per second for an action on one machine; default 1. */
  readonly perSecond?: number;
  /** Requests allowed at once before the sustained rate applies; default 3. */
  readonly burst?: number;
  /** The same for reads (get, list, wait); default 5 and 10. */
  readonly readPerSecond?: number;
  readonly readBurst?: number;
  /** The buckets' clock; tests freeze it so that a slow machine refills nothing. */
  readonly now?: () => number;
}

const READ_OPERATIONS = new Set([
  'Machines_show',
  'Machines_list',
  'Machines_wait',
  'Apps_show',
  'Machines_show_lease',
  'Machines_list_versions',
  'Machines_list_events',
]);

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly readPerSecond: number;
  private readonly readBurst: number;

  private readonly now: () => number;

  constructor(options: RateLimitOptions = {}) {
    this.now = options.now ?? Date.now;
    this.perSecond = options.perSecond ?? 1;
    this.burst = options.burst ?? 3;
    this.readPerSecond = options.readPerSecond ?? 5;
    this.readBurst = options.readBurst ?? 10;
  }

  /**
   * Takes a token for `operationId` on `subject` (machine id, else app name); returns 0 when
   * allowed, else the seconds to wait (for Retry-After).
   */
  take(operationId: string, subject: string): number {
    const read = READ_OPERATIONS.has(operationId);
    const rate = read ? this.readPerSecond : this.perSecond;
    const capacity = read ? this.readBurst : this.burst;
    const key = `${operationId}\n${subject}`;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rate);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
  }
}
