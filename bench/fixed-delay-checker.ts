// The baseline of measure 4: what akhileshns/heroku-deploy does after `git push heroku` when
// `healthcheck` is set: sleep `delay` seconds, then one GET of the URL; healthy only when the
// status is 200 (and, with `checkstring`, the body equals it). No retry, no second look.
import { nowMs, sleep } from './clock.js';

export interface FixedDelayVerdict {
  readonly healthy: boolean;
  /** Epoch ms when the verdict was made. */
  readonly at: number;
  readonly detail: string;
}

/** That action's GET has no timeout of its own; ours is a backstop so the bench ends. */
const BACKSTOP_TIMEOUT_MS = 30_000;

export async function fixedDelayCheck(
  url: string,
  delaySeconds: number,
  checkString = '',
): Promise<FixedDelayVerdict> {
  await sleep(delaySeconds * 1000);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(BACKSTOP_TIMEOUT_MS) });
    const body = await response.text();
    const healthy = response.status === 200 && (checkString === '' || body === checkString);
    return { healthy, at: nowMs(), detail: `status ${response.status}` };
  } catch (error) {
    // A failed request throws in that action too: the step fails, i.e. judged unhealthy.
    return { healthy: false, at: nowMs(), detail: String(error) };
  }
}
