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
  /** A poll answered slower than this fails (`max-latency`); undefined: no limit. */
  maxLatencyMs?: number | undefined;
}

/** What one poll saw; `status` is null when no answer came (then `error` says why). */
export interface PollResult {
  status: number | null;
  body: string;
  latencyMs: number;
  error?: string;
  /** The system error code of a poll that got no answer (`ECONNREFUSED`, `ENOTFOUND`, …). */
  errorCode?: string;
  /** Absolute target of a 3xx answer, which is never followed. */
  redirectTo?: string;
}

/** How a poll failed: what a baseline compares, and what names the likely wrong input. */
export type FailureKind =
  'unreached' | 'no-answer' | 'status' | 'redirect' | 'body' | 'slow' | 'version' | 'not-counted';

export interface PollJudgement {
  pass: boolean;
  /** `ok`, or one line saying what was wrong. */
  reason: string;
  /** Set on a failure. */
  failure?: FailureKind;
}

export interface HealthState {
  polls: number;
  passes: number;
  /** Passing polls in a row, ending with the latest poll. */
  consecutive: number;
  /** Failed polls in a row, ending with the latest poll. */
  failures: number;
  startedAt: number;
}

export type HealthVerdict = 'healthy' | 'unhealthy' | 'pending';

/** What condemned a release: the deadline, a run of failures after it had passed (it
 * started, then broke), or the platform showing an instance crashed. */
export type Condemnation = 'deadline' | 'broke' | 'crashed';

/** The `unhealthy-threshold` default. */
export const DEFAULT_UNHEALTHY_THRESHOLD = 3;

export interface HealthSettings {
  threshold: number;
  timeoutMs: number;
  /** Failed polls in a row that condemn a release which has passed at least once. */
  unhealthyThreshold: number;
}

export interface HealthStep {
  state: HealthState;
  verdict: HealthVerdict;
  /** Set with an `unhealthy` verdict. */
  condemnedBy?: Condemnation;
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
  if (poll.status === null) {
    const failure = neverReachedApp(poll) ? 'unreached' : 'no-answer';
    return { pass: false, reason: poll.error ?? 'no answer', failure };
  }
  if (!statusExpected(poll.status, criteria.expectedStatus)) {
    if (poll.redirectTo !== undefined) {
      const reason = `redirect to ${poll.redirectTo} not followed`;
      return { pass: false, reason, failure: 'redirect' };
    }
    const expected = formatStatusRanges(criteria.expectedStatus);
    return { pass: false, reason: `status ${poll.status} not in ${expected}`, failure: 'status' };
  }
  if (criteria.checkString !== '' && !poll.body.includes(criteria.checkString)) {
    const reason = `body lacks ${JSON.stringify(criteria.checkString)}`;
    return { pass: false, reason, failure: 'body' };
  }
  if (criteria.maxLatencyMs !== undefined && poll.latencyMs > criteria.maxLatencyMs) {
    const limit = secondsText(criteria.maxLatencyMs);
    const reason = `slow: ${secondsText(poll.latencyMs)} > ${limit}`;
    return { pass: false, reason, failure: 'slow' };
  }
  return { pass: true, reason: 'ok' };
}

/** An answer from `version-url`: it must be a 2xx showing `expected`; without `expected` (the
 * release live before, whose version is not the one deployed) any 2xx answer passes. */
export function judgeVersionAnswer(answer: PollResult, expected?: string): PollJudgement {
  if (answer.status === null) {
    return {
      pass: false,
      reason: `version-url: ${answer.error ?? 'no answer'}`,
      failure: 'version',
    };
  }
  if (answer.status < 200 || answer.status > 299) {
    return { pass: false, reason: `version-url answered ${answer.status}`, failure: 'version' };
  }
  if (expected === undefined) return { pass: true, reason: 'ok' };
  if (!answer.body.includes(expected)) {
    return {
      pass: false,
      reason: `version-url does not show "${expected}" yet (the old release answered)`,
      failure: 'version',
    };
  }
  return { pass: true, reason: `ok, serving ${expected}` };
}

/** `1.8 s`, `1 s`: one decimal, no trailing zero. */
export function secondsText(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

// Answers that never reached the app: no name, no route, no TLS (undici/Node error codes).
const UNREACHED_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPROTO',
]);

/** Whether a poll failed before reaching the app (so it measured nothing about it). A
 * timeout or a reset after connecting may be the app's own doing, so they count as answers. */
export function neverReachedApp(poll: PollResult): boolean {
  if (poll.status !== null || poll.errorCode === undefined) return false;
  const code = poll.errorCode;
  return UNREACHED_CODES.has(code) || /CERT|SELF_SIGNED|TLS|SSL/.test(code);
}

/** Folds one judged poll into the state. A failure resets the streak, so a flapping app
 * never becomes healthy; the deadline counts from `startedAt`. Before its first pass a
 * release is condemned only by the deadline or a crash (`crash`: what the platform showed,
 * which condemns even when another instance answered the poll),
 * so a slow start keeps the whole timeout; after it, `unhealthyThreshold` failures in a row
 * condemn it at once. */
export function nextHealth(
  state: HealthState,
  judgement: PollJudgement,
  now: number,
  settings: HealthSettings,
  crash?: string,
): HealthStep {
  const next: HealthState = {
    polls: state.polls + 1,
    passes: state.passes + (judgement.pass ? 1 : 0),
    consecutive: judgement.pass ? state.consecutive + 1 : 0,
    failures: judgement.pass ? 0 : state.failures + 1,
    startedAt: state.startedAt,
  };
  if (next.consecutive >= settings.threshold) return { state: next, verdict: 'healthy' };
  if (crash !== undefined) {
    return { state: next, verdict: 'unhealthy', condemnedBy: 'crashed' };
  }
  if (next.passes > 0 && next.failures >= settings.unhealthyThreshold) {
    return { state: next, verdict: 'unhealthy', condemnedBy: 'broke' };
  }
  if (now >= state.startedAt + settings.timeoutMs) {
    return { state: next, verdict: 'unhealthy', condemnedBy: 'deadline' };
  }
  return { state: next, verdict: 'pending' };
}
