// The baseline probe: a few polls of the release live before the push, with the same
// criteria, so a later verdict can tell a broken release from a check that never passed.
// With `version-url` set, that URL of the live release is polled too, side by side.
import { judgePoll, judgeVersionAnswer } from './health.js';
import type { HealthCriteria, PollJudgement, PollResult } from './health.js';
import { pollSafely, type PollRecord, type ProbeDeps } from './probe.js';

/** Short and bounded: it runs before the push and must never hold up the deploy. */
export const BASELINE_POLLS = 3;
const BASELINE_GAP_MS = 250;
const BASELINE_POLL_TIMEOUT_MS = 1_500;
/** Characters of the live release's version-url answer kept for the summary. */
const SHOWN_CHARS = 60;

export interface BaselineReport {
  readonly polls: readonly PollRecord[];
  readonly passes: number;
  readonly elapsedMs: number;
  /** One line for the log and the summary. */
  readonly summary: string;
  /** The live release's `version-url`, when that input is set. */
  readonly version?: VersionBaseline | undefined;
}

export interface VersionBaseline {
  readonly url: string;
  readonly polls: readonly PollRecord[];
  readonly passes: number;
  readonly elapsedMs: number;
  /** The first line of the last 2xx answer (clipped); undefined when none came. */
  readonly shows: string | undefined;
  /** The live release already shows the version expected of the new one: the version check
   * cannot tell the two apart. */
  readonly showsExpected: boolean;
  readonly summary: string;
}

interface LivePolls {
  readonly polls: readonly PollRecord[];
  readonly passes: number;
  readonly elapsedMs: number;
}

/** Polls `url` up to BASELINE_POLLS times, `gapMs` apart (the shorter of the health interval
 * and 250 ms); stops early on a cancelled job. Never throws for what the URL answers. */
async function pollLive(
  url: string,
  judge: (result: PollResult) => PollJudgement,
  intervalMs: number,
  deps: ProbeDeps,
  signal: AbortSignal | undefined,
): Promise<LivePolls> {
  const gapMs = Math.max(1, Math.min(intervalMs, BASELINE_GAP_MS));
  const start = deps.now();
  const polls: PollRecord[] = [];
  const cancelled = (): boolean => signal?.aborted === true;
  for (let index = 0; index < BASELINE_POLLS && !cancelled(); index += 1) {
    if (index > 0) await deps.sleep(gapMs, signal).catch(() => undefined);
    if (cancelled()) break;
    const at = deps.now() - start;
    const result = await pollSafely(deps, url, BASELINE_POLL_TIMEOUT_MS);
    polls.push({ ...result, ...judge(result), at });
  }
  const passes = polls.filter((poll) => poll.pass).length;
  return { polls, passes, elapsedMs: deps.now() - start };
}

/** The live release's health URL, judged as the new release's will be. */
export async function probeBaseline(
  url: string,
  criteria: HealthCriteria,
  intervalMs: number,
  deps: ProbeDeps,
  signal?: AbortSignal,
): Promise<BaselineReport> {
  const live = await pollLive(
    url,
    (result) => judgePoll(result, criteria),
    intervalMs,
    deps,
    signal,
  );
  return { ...live, summary: describePolls(live) };
}

/** The live release's `version-url`: it must answer 2xx as the new release's must (which
 * version it shows is only reported: it is not the one being deployed). */
export async function probeVersionBaseline(
  version: { readonly url: string; readonly expected: string },
  intervalMs: number,
  deps: ProbeDeps,
  signal?: AbortSignal,
): Promise<VersionBaseline> {
  const live = await pollLive(version.url, judgeVersionAnswer, intervalMs, deps, signal);
  const answered = live.polls.findLast((poll) => poll.pass);
  const shows = answered === undefined ? undefined : firstLine(answered.body);
  const showsExpected = answered?.body.includes(version.expected) === true;
  const showing = shows === undefined ? '' : `, shows "${shows}"`;
  const same = showsExpected
    ? `; it already shows "${version.expected}": version-url cannot tell the releases apart`
    : '';
  const summary = `${describePolls(live)}${showing}${same}`;
  return { url: version.url, ...live, shows, showsExpected, summary };
}

function describePolls({ polls, passes }: LivePolls): string {
  const latencies = polls.map((poll) => `${Math.round(poll.latencyMs)} ms`).join(', ');
  const lastFailure = polls.findLast((poll) => !poll.pass);
  const failed = lastFailure === undefined ? '' : `, last failure: ${lastFailure.reason}`;
  return `${passes}/${polls.length} polls passed (${latencies})${failed}`;
}

function firstLine(body: string): string {
  const line = body.trim().split('\n', 1)[0]?.trim() ?? '';
  return line.length > SHOWN_CHARS ? `${line.slice(0, SHOWN_CHARS)}…` : line;
}
