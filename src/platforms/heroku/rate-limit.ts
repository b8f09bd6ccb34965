// Heroku's API rate limit (Dev Center "Platform API Reference", Rate Limits): a bucket of
// 4,500 requests per account refilled at about 75 a minute, what is left sent as
// `RateLimit-Remaining` on every answer, 429 once it is empty. When little is left the
// action spaces its calls at the refill pace, so its own polling never empties the bucket.
import type { ApiCall } from '../kit/api-client.js';

/** From here down the action slows to the refill pace. */
export const LOW_REMAINING = 200;
/** One request's worth of refill: 60 s / 75. */
export const REFILL_INTERVAL_MS = 800;

/** How long to wait after an answer that carried `remaining`; 0 when there is room. */
export function rateLimitPauseMs(remaining: string | undefined): number {
  if (remaining === undefined || !/^\d+$/.test(remaining.trim())) return 0;
  return Number(remaining) <= LOW_REMAINING ? REFILL_INTERVAL_MS : 0;
}

/** `call`, pausing after each answer as `rateLimitPauseMs` says. */
export function pacedCall(call: ApiCall, sleep: (ms: number) => Promise<void>): ApiCall {
  return async (method, path, options) => {
    const response = await call(method, path, options);
    const pauseMs = rateLimitPauseMs(response.headers['ratelimit-remaining']);
    if (pauseMs > 0) await sleep(pauseMs);
    return response;
  };
}
