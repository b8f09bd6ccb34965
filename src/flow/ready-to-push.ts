// Everything before the push: snapshot, the already-live check, the baseline, the deploy
// lock; after waiting for another deploy, all again from what that deploy left live.
import type { Platform, Snapshot } from '../platforms/platform.js';
import type { Settings } from '../settings/inputs.js';
import type { VerifyContext } from '../verify/verify-release.js';
import { verifyIfAlreadyLive } from './already-live.js';
import { awaitDeployLock, type DeploysAhead } from './deploy-lock.js';
import {
  baselinePhase,
  type FlowDeps,
  takeSnapshot,
  throwIfCancelled,
  verifyContext,
} from './deploy.js';
import type { RunRecord } from './run-record.js';

/** Most rounds of snapshot, baseline and lock: each follows another deploy that ended. */
const MAX_LOCK_ROUNDS = 5;

/** Snapshot, the already-live check, the baseline, then the deploy lock (the deploys queued
 * ahead of this one when it has a GitHub deployment, and the platform's); when another deploy
 * ended while this one waited, all again from a fresh snapshot (it changed what is live).
 * Undefined: nothing to push (already live, or refused). */
export async function readyToPush(
  platform: Platform,
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
  deploysAhead?: DeploysAhead,
): Promise<{ snapshot: Snapshot; context: VerifyContext } | undefined> {
  const since = deps.now();
  for (let round = 1; ; round += 1) {
    const snapshot = await takeSnapshot(platform, record, deps);
    const context = verifyContext(settings, platform, snapshot, deps);
    record.healthUrl = context.healthUrl;
    throwIfCancelled(deps.signal, 'the snapshot');
    if (await verifyIfAlreadyLive(platform, settings, deps, record, context, snapshot)) return;
    context.baseline = await baselinePhase(record, deps, context);
    throwIfCancelled(deps.signal, 'the baseline probe');
    const lock = await awaitDeployLock(platform, settings, deps, record, since, deploysAhead);
    throwIfCancelled(deps.signal, 'the deploy lock');
    if (lock === 'free') return { snapshot, context };
    if (lock === 'refused') return;
    if (round >= MAX_LOCK_ROUNDS) {
      record.result = 'refused';
      record.cause = `Refused to deploy: other deploys of ${settings.app} kept starting`;
      record.appState = 'nothing was pushed';
      return;
    }
  }
}
