// The baseline probe: a few polls of the release live before the push, with the same
// criteria, so a later verdict can tell a broken release from a check that never passed.
import { judgePoll } from './health.js';
import type { HealthCriteria } from './health.js';
import { pollSafely, type PollRecord, type ProbeDeps } from './probe.js';

/** Short and bounded: it runs before the push and must never hold up the deploy. */
export const BASELINE_POLLS = 3;
const BASELINE_GAP_MS = 250;
const BASELINE_POLL_TIMEOUT_MS = 1_500;

export interface BaselineReport {
  readonly polls: readonly PollRecord[];
  readonly passes: number;
  readonly elapsedMs: number;
  /** One line for the log and the summary. */
  readonly summary: string;
}

/** Polls `url` up to BASELINE_POLLS times, `gapMs` apart (the shorter of the health interval
 * and 250 ms); stops early on a cancelled job. Never throws for what the URL answers. */
export async function probeBaseline(
  url: string,
  criteria: HealthCriteria,
  intervalMs: number,
  deps: ProbeDeps,
  signal?: AbortSignal,
): Promise<BaselineReport> {
  const gapMs = Math.max(1, Math.min(intervalMs, BASELINE_GAP_MS));
  const start = deps.now();
  const polls: PollRecord[] = [];
  const cancelled = (): boolean => signal?.aborted === true;
  for (let index = 0; index < BASELINE_POLLS && !cancelled(); index += 1) {
    if (index > 0) await deps.sleep(gapMs, signal).catch(() => undefined);
    if (cancelled()) break;
    const at = deps.now() - start;
    const result = await pollSafely(deps, url, BASELINE_POLL_TIMEOUT_MS);
    polls.push({ ...result, ...judgePoll(result, criteria), at });
  }
  const passes = polls.filter((poll) => poll.pass).length;
  const elapsedMs = deps.now() - start;
  return { polls, passes, elapsedMs, summary: describeBaseline(polls, passes) };
}

function describeBaseline(polls: readonly PollRecord[], passes: number): string {
  const latencies = polls.map((poll) => `${Math.round(poll.latencyMs)} ms`).join(', ');
  const lastFailure = polls.findLast((poll) => !poll.pass);
  const failed = lastFailure === undefined ? '' : `, last failure: ${lastFailure.reason}`;
  return `${passes}/${polls.length} polls passed (${latencies})${failed}`;
}
