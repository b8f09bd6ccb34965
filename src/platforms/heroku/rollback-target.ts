// Which release `mode: rollback` without `to-release` goes back to: the newest release older
// than the live one that the API would roll back to and that runs something else.

export interface ReleaseCandidate {
  readonly id: string;
  readonly version: number;
  readonly status: string | undefined;
  readonly current: boolean;
  /** Slug id or image artifact (see release-fields.ts). */
  readonly content: string | undefined;
  readonly eligibleForRollback: boolean | undefined;
}

/** Why `candidate` is skipped, or undefined when it is a good target. */
export function skipReason(
  candidate: ReleaseCandidate,
  live: ReleaseCandidate,
): string | undefined {
  if (candidate.version >= live.version) return 'not older than the live release';
  if (candidate.status !== undefined && candidate.status !== 'succeeded') {
    return `its status is ${candidate.status}`;
  }
  // The API's own word when it gives one; the official CLI filters on it too
  // (heroku/cli src/lib/releases/releases.ts: releases.filter(r => r.eligible_for_rollback)).
  if (candidate.eligibleForRollback === false) return 'Heroku marks it not eligible for rollback';
  if (candidate.content === undefined && candidate.eligibleForRollback !== true) {
    return 'it has no slug or image to release';
  }
  if (candidate.content !== undefined && candidate.content === live.content) {
    return 'it runs the same slug as the live release';
  }
  return undefined;
}

/** The first good target among `newestFirst` (releases older than the live one, newest
 * first); undefined when none is. For the histories Heroku creates this is what
 * `heroku rollback` picks: the second release marked eligible, the live one being the first. */
export function pickRollbackTarget<T extends ReleaseCandidate>(
  newestFirst: readonly T[],
  live: ReleaseCandidate,
): T | undefined {
  return newestFirst.find((candidate) => skipReason(candidate, live) === undefined);
}
