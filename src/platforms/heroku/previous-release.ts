// The release `heroku rollback` without a version goes back to, read from the API.
import type { HerokuApi } from './api.js';
import type { ReleaseState } from './parse.js';
import { pickRollbackTarget, skipReason } from './rollback-target.js';

/** What `heroku rollback` without a version goes to (see rollback-target.ts), read newest
 * first with ranges the API supports (end-only ranges are not), page by page. */
export async function previousGoodRelease(api: HerokuApi): Promise<ReleaseState> {
  const older = (list: readonly ReleaseState[], live: ReleaseState): ReleaseState[] =>
    list.filter((release) => release.version < live.version);
  const seen = await api.walkReleases((list) => {
    const live = list.find((release) => release.current);
    return live !== undefined && pickRollbackTarget(older(list, live), live) !== undefined;
  });
  const live = seen.find((release) => release.current);
  if (live === undefined) throw new Error(api.noCurrentRelease(seen.length));
  const target = pickRollbackTarget(older(seen, live), live);
  if (target !== undefined) return target;
  const skipped = older(seen, live)
    .slice(0, 5)
    .map((release) => `v${release.version}: ${skipReason(release, live) ?? '?'}`);
  throw new Error(
    `Heroku lists no release before v${live.version} to roll back to among the ` +
      `${seen.length} latest${skipped.length > 0 ? ` (${skipped.join('; ')})` : ''}`,
  );
}
