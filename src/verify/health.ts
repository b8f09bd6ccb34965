// Health decisions: is one poll's answer good, and does a run of polls make a verdict.

/** Inclusive range of accepted HTTP statuses; a single code has `min === max`. */
export interface StatusRange {
  min: number;
  max: number;
}

export interface HealthCriteria {
  expectedStatus: readonly StatusRange[];
  /** Text the body must contain; empty accepts any body. */
  checkString: string;
}

/** What one poll saw; `status` is null when no answer came (then `error` says why). */
export interface PollResult {
  status: number | null;
  body: string;
  latencyMs: number;
  error?: string;
  /** Absolute target of a 3xx answer, which is never followed. */
  redirectTo?: string;
}

export interface PollJudgement {
  pass: boolean;
  /** `ok`, or one line saying what was wrong. */
  reason: string;
}

export interface HealthState {
  polls: number;
  passes: number;
  /** Passing polls in a row, ending with the latest poll. */
  consecutive: number;
  startedAt: number;
}

export type HealthVerdict = 'healthy' | 'unhealthy' | 'pending';

export interface HealthSettings {
  threshold: number;
  timeoutMs: number;
}

/** `200-299,304`: the form `expected-status` is written in. */
export function formatStatusRanges(ranges: readonly StatusRange[]): string {
  return ranges
    .map((range) => (range.min === range.max ? `${range.min}` : `${range.min}-${range.max}`))
    .join(',');
}

function statusExpected(status: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some((range) => status >= range.min && status <= range.max);
}

export function judgePoll(poll: PollResult, criteria: HealthCriteria): PollJudgement {
  if (poll.status === null) return { pass: false, reason: poll.error ?? 'no answer' };
  if (!statusExpected(poll.status, criteria.expectedStatus)) {
    if (poll.redirectTo !== undefined) {
      return { pass: false, reason: `redirect to ${poll.redirectTo} not followed` };
    }
    const expected = formatStatusRanges(criteria.expectedStatus);
    return { pass: false, reason: `status ${poll.status} not in ${expected}` };
  }
  if (criteria.checkString !== '' && !poll.body.includes(criteria.checkString)) {
    return { pass: false, reason: `body lacks ${JSON.stringify(criteria.checkString)}` };
  }
  return { pass: true, reason: 'ok' };
}

/** Folds one judged poll into the state. A failure resets the streak, so a flapping app
 * never becomes healthy; the deadline counts from `startedAt`. */
export function nextHealth(
  state: HealthState,
  judgement: PollJudgement,
  now: number,
  settings: HealthSettings,
): { state: HealthState; verdict: HealthVerdict } {
  const next: HealthState = {
    polls: state.polls + 1,
    passes: state.passes + (judgement.pass ? 1 : 0),
    consecutive: judgement.pass ? state.consecutive + 1 : 0,
    startedAt: state.startedAt,
  };
  if (next.consecutive >= settings.threshold) return { state: next, verdict: 'healthy' };
  if (now >= state.startedAt + settings.timeoutMs) return { state: next, verdict: 'unhealthy' };
  return { state: next, verdict: 'pending' };
}
