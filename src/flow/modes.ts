// The two modes that change nothing but the live release: a manual rollback, and a health
// check of what is live. Neither has a gate or a build.
import { type FlowDeps, takeSnapshot, verifyContext, verifyPhase } from './deploy.js';
import { Cancelled } from '../io/errors.js';
import type { Settings } from '../settings/inputs.js';
import type { Platform, Snapshot } from '../platforms/platform.js';
import { reportRollback, rollbackAndVerify } from './recover.js';
import { phase, type RunRecord } from './run-record.js';
import type { VerifyContext } from '../verify/verify-release.js';
import { recordVerifyStatus, startRollbackDeployment } from './mode-deployments.js';

/** Opens the platform, reads what is live, runs `work`, and always closes the platform. */
async function withLiveApp(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
  work: (platform: Platform, snapshot: Snapshot, context: VerifyContext) => Promise<void>,
): Promise<void> {
  const platform = deps.createPlatform(settings);
  try {
    const snapshot = await takeSnapshot(platform, record, deps);
    const context = verifyContext(settings, platform, snapshot, deps);
    record.healthUrl = context.healthUrl;
    await work(platform, snapshot, context);
  } finally {
    await platform.close();
  }
}

/** `mode: rollback`: back to `to-release` (or the release before the live one), verified. */
export async function runRollbackMode(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
): Promise<void> {
  await withLiveApp(settings, deps, record, async (platform, snapshot, context) => {
    const plan = await phase(record, 'find target', deps.now, async (done) => {
      const found = await platform.resolveTarget(settings.toRelease);
      done(
        'ok',
        `${found.target.label} (${settings.toRelease === undefined ? 'the one before' : 'asked'})`,
      );
      return found;
    });
    const { target } = plan;
    record.release = target;
    const tracking = await startRollbackDeployment(
      settings,
      deps,
      record,
      snapshot.current,
      target,
    );
    if (deps.signal.aborted) throw new Cancelled('The job was cancelled before the rollback');
    const outcome = await rollbackAndVerify(context, plan, record, deps);
    const cause = `Manual rollback from ${snapshot.current.label} to ${target.label}`;
    reportRollback(record, context, target, outcome, cause);
    await tracking?.finish(outcome.ok, outcome.ok ? undefined : outcome.error);
    if (outcome.ok) {
      record.result = 'rolled-back';
      record.cause = undefined;
    }
  });
}

/** `mode: verify`: the health check (both views) against what is live now. */
export async function runVerifyMode(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
): Promise<void> {
  await withLiveApp(settings, deps, record, async (_platform, snapshot, context) => {
    const verdict = await verifyPhase(record, deps, context, snapshot.current);
    if (verdict.healthy) {
      record.result = 'verified';
      record.appState = `${snapshot.current.label} is live and healthy`;
    } else {
      record.result = 'failed';
      record.cause = `Live release ${snapshot.current.label} is unhealthy: ${verdict.reason}`;
      record.appState = `${snapshot.current.label} is live and UNHEALTHY`;
    }
    const reason = verdict.healthy ? undefined : verdict.reason;
    await recordVerifyStatus(settings, deps, record, snapshot.current, verdict.healthy, reason);
  });
}
