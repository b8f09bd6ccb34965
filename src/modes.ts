// The two modes that change nothing but the live release: a manual rollback, and a health
// check of what is live. Neither has a gate or a build.
import { Cancelled, type FlowDeps, takeSnapshot, verifyContext } from './deploy.js';
import type { Settings } from './inputs.js';
import { reportRollback, rollbackAndVerify } from './recover.js';
import { phase, type RunRecord } from './run-record.js';
import { verifyRelease } from './verify-release.js';

/** `mode: rollback`: back to `to-release` (or the release before the live one), verified. */
export async function runRollbackMode(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
): Promise<void> {
  const platform = deps.createPlatform(settings);
  try {
    const snapshot = await takeSnapshot(platform, record, deps);
    const context = verifyContext(settings, platform, snapshot, deps);
    record.healthUrl = context.healthUrl;
    const target = await phase(record, 'find target', deps.now, async (done) => {
      const found = await platform.resolveTarget(settings.toRelease);
      done(
        'ok',
        `${found.label} (${settings.toRelease === undefined ? 'the one before' : 'asked'})`,
      );
      return found;
    });
    record.release = target;
    if (deps.signal.aborted) throw new Cancelled('The job was cancelled before the rollback');
    const outcome = await rollbackAndVerify(context, target, record, deps);
    const cause = `Manual rollback from ${snapshot.current.label} to ${target.label}`;
    reportRollback(record, context, target, outcome, cause);
    if (outcome.ok) {
      record.result = 'rolled-back';
      record.cause = undefined;
    }
  } finally {
    await platform.close();
  }
}

/** `mode: verify`: the health check (both views) against what is live now. */
export async function runVerifyMode(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
): Promise<void> {
  const platform = deps.createPlatform(settings);
  try {
    const snapshot = await takeSnapshot(platform, record, deps);
    const context = verifyContext(settings, platform, snapshot, deps);
    record.healthUrl = context.healthUrl;
    const verdict = await phase(record, 'verify', deps.now, async (done) => {
      const result = await verifyRelease(context, snapshot.current, true);
      record.health = result.health;
      record.instances = result.instances;
      done(result.healthy ? 'ok' : 'failed', result.reason);
      return result;
    });
    if (verdict.healthy) {
      record.result = 'verified';
      record.appState = `${snapshot.current.label} is live and healthy`;
    } else {
      record.result = 'failed';
      record.cause = `Live release ${snapshot.current.label} is unhealthy: ${verdict.reason}`;
      record.appState = `${snapshot.current.label} is live and UNHEALTHY`;
    }
  } finally {
    await platform.close();
  }
}
