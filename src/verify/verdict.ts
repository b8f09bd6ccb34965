// The verdict's name and the words of its cause: healthy, unhealthy (the app failed the
// check, crashed or broke) or inconclusive (the polls never reached the app, and the release
// live before could not be reached either). Pure, over what the probes recorded.
import type { Condemnation, FailureKind, PollJudgement } from './health.js';

/** A judged poll; `cutShort`: no answer within a timeout the deadline had shortened. */
type JudgedPoll = PollJudgement & { readonly cutShort?: boolean };

export type VerdictKind = 'healthy' | 'unhealthy' | 'inconclusive';

export interface VerdictInput {
  readonly healthy: boolean;
  /** Every poll of the new release, oldest first. */
  readonly polls: readonly JudgedPoll[];
  readonly condemnedBy: Condemnation | undefined;
  /** The baseline polls of the release live before; undefined when none ran. */
  readonly baseline: readonly PollJudgement[] | undefined;
  /** The baseline polls of the live release's `version-url`; undefined when none ran. */
  readonly versionBaseline?: readonly PollJudgement[] | undefined;
}

export interface VerdictNaming {
  readonly kind: VerdictKind;
  /** What to say before the probe's reason; empty for a plain verdict. */
  readonly lead: string;
  /** What to say after it: that the check itself is likely wrong, and which input. */
  readonly hint: string;
}

/** The input most likely wrong when the live release fails the check the same way. */
const LIKELY_INPUT: Record<FailureKind, string> = {
  unreached: 'health-url',
  'no-answer': 'health-url',
  redirect: 'health-url',
  status: 'expected-status',
  body: 'check-string',
  slow: 'max-latency',
  version: 'version-url',
  'not-counted': 'health-url',
};

const plain = (kind: VerdictKind): VerdictNaming => ({ kind, lead: '', hint: '' });

export function nameVerdict(input: VerdictInput): VerdictNaming {
  if (input.healthy) return plain('healthy');
  const last =
    input.polls.findLast((poll) => !poll.pass && poll.cutShort !== true) ??
    input.polls.findLast((poll) => !poll.pass);
  // A crash is the platform's own word: nothing about the check can explain it away.
  if (input.condemnedBy === 'crashed' || last?.failure === undefined) return plain('unhealthy');
  if (last.failure === 'version') return nameVersionFailure(last, input.versionBaseline ?? []);
  const baseline = input.baseline ?? [];
  if (baseline.length === 0 || baseline.some((poll) => poll.pass)) return plain('unhealthy');
  const before = baseline.findLast((poll) => !poll.pass);
  if (last.failure === 'unreached' && baseline.every((poll) => poll.failure === 'unreached')) {
    return {
      kind: 'inconclusive',
      lead: 'could not measure: the polls never reached the app',
      hint: `; the release live before could not be reached either (${before?.reason ?? ''})`,
    };
  }
  if (!sameFailure(last, before)) return plain('unhealthy');
  // A 404 says the path is wrong, not the statuses expected.
  const suspect = statusOf(last.reason) === '404' ? 'health-url' : LIKELY_INPUT[last.failure];
  return {
    kind: 'unhealthy',
    lead: '',
    hint:
      `; the check also fails on the release that was live before (${before?.reason ?? ''}):` +
      ` the likely mistake is \`${suspect}\`, not the release`,
  };
}

/** A version-url that failed the same way on the release live before is the wrong URL. */
function nameVersionFailure(
  last: PollJudgement,
  baseline: readonly PollJudgement[],
): VerdictNaming {
  const before = baseline.findLast((poll) => !poll.pass);
  if (baseline.length === 0 || baseline.some((poll) => poll.pass)) return plain('unhealthy');
  if (!sameFailure(last, before)) return plain('unhealthy');
  return {
    kind: 'unhealthy',
    lead: '',
    hint:
      `; version-url also fails on the release that was live before (${before?.reason ?? ''}):` +
      ' the likely mistake is `version-url`, not the release',
  };
}

function sameFailure(now: PollJudgement, before: PollJudgement | undefined): boolean {
  if (before === undefined || now.failure !== before.failure) return false;
  // A status must be the same code (for version-url: the same code, or both no answer);
  // other kinds are the same by kind.
  if (now.failure !== 'status' && now.failure !== 'version') return true;
  return statusOf(now.reason) === statusOf(before.reason);
}

/** The HTTP status a failure names; `none` for a version-url that gave no answer. */
function statusOf(reason: string): string | undefined {
  const code = /^(?:status|version-url answered) (\d{3})\b/.exec(reason)?.[1];
  return code ?? (reason.startsWith('version-url: ') ? 'none' : undefined);
}
