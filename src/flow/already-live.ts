// Idempotent re-runs: when the live release already runs this commit, a deploy only verifies
// it. A re-run of a failed workflow never rebuilds what is live and healthy; `force` does.
import * as core from '@actions/core';
import { errorMessage } from '../io/errors.js';
import type { Settings } from '../settings/inputs.js';
import type { Platform, Snapshot } from '../platforms/platform.js';
import type { VerifyContext } from '../verify/verify-release.js';
import { type FlowDeps, verifyPhase } from './deploy.js';
import { phase, type RunRecord } from './run-record.js';
import { recordArtifact, runsArtifact } from './artifact.js';

/** The commit the live release runs, or undefined when unknown or when it cannot be read (a
 * deploy then goes on as usual: reading it is an optimisation, never a reason to fail). */
async function readLiveCommit(
  platform: Platform,
  snapshot: Snapshot,
  record: RunRecord,
  deps: FlowDeps,
): Promise<string | undefined> {
  const read = platform.liveCommit?.bind(platform);
  if (read === undefined) return undefined;
  return phase(record, 'live commit', deps.now, async (done) => {
    try {
      const commit = await read(snapshot.current);
      // Short, as the summary's headline names the commit being deployed.
      const short = commit?.slice(0, 7);
      done('ok', short === undefined ? 'unknown' : `${snapshot.current.label} runs ${short}`);
      return commit;
    } catch (error) {
      core.warning(`Could not read the commit the live release runs: ${errorMessage(error)}`);
      done('skipped', 'unreadable');
      return undefined;
    }
  });
}

/**
 * When `force` is off and the live release runs `settings.run.sha`: verifies it instead of
 * building, fills `record` and returns true. Otherwise returns false and changes nothing.
 */
export async function verifyIfAlreadyLive(
  platform: Platform,
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
  context: VerifyContext,
  snapshot: Snapshot,
): Promise<boolean> {
  if (settings.force === true) return false;
  const live = snapshot.current;
  const { artifact } = settings;
  if (artifact !== undefined) {
    // The artifact, not the commit, is what this deploy ships: the slug or the image digest.
    if (!runsArtifact(live, artifact)) return false;
  } else {
    const commit = await readLiveCommit(platform, snapshot, record, deps);
    if (commit === undefined || commit !== settings.run.sha) return false;
  }
  record.release = live;
  const verdict = await verifyPhase(record, deps, context, live);
  const short = artifact ?? settings.run.sha.slice(0, 12);
  if (verdict.healthy) {
    record.result = 'deployed';
    await recordArtifact(platform, live, record);
    record.appState =
      `${live.label} already live, verified: it runs ${short}; nothing was built ` +
      '(`force: true` rebuilds)';
    return true;
  }
  record.result = 'failed';
  record.cause = `${live.label} already runs ${short} but is unhealthy: ${verdict.reason}`;
  record.appState =
    `${live.label} is live and UNHEALTHY; nothing was built or rolled back ` +
    '(`force: true` rebuilds, `mode: rollback` goes back)';
  return true;
}
