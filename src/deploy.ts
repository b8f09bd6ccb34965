// The deploy flow: gate → snapshot → push → verify, and on any failure after the push,
// rollback → verify. Platform, GitHub and the clock come in as dependencies.
import * as core from '@actions/core';
import { decideAfterFailure } from './decide.js';
import { DeployError, errorMessage } from './errors.js';
import { type JobInfo, judgeGate } from './gate.js';
import type { Settings } from './inputs.js';
import type { Platform, Release } from './platform.js';
import { type HealthReport, type ProbeDeps, waitForHealthy } from './probe.js';
import { recoveryCommand } from './recovery.js';
import { phase, type RunRecord } from './run-record.js';

export interface FlowDeps {
  now(): number;
  createPlatform(settings: Settings): Platform;
  listJobs(settings: Settings): Promise<JobInfo[]>;
  probe: ProbeDeps;
}

/** Runs the whole deploy, filling `record`; never throws for a failure it understood. */
export async function runDeploy(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
): Promise<void> {
  const now = (): number => deps.now();

  const gate = await phase(record, 'gate', now, async (done) => {
    const jobs = await deps.listJobs(settings);
    const verdict = judgeGate({
      jobs,
      requireJobs: settings.requireJobs,
      needs: settings.needs,
      selfRunnerName: settings.run.runnerName,
    });
    record.gate = verdict;
    done(
      verdict.pass ? 'ok' : 'refused',
      verdict.pass ? `${jobs.length} jobs listed` : (verdict.problems[0] ?? ''),
    );
    return verdict;
  });
  if (!gate.pass) {
    record.result = 'refused';
    record.cause = `Refused to deploy: ${gate.problems.join('; ')}`;
    record.appState = 'nothing was pushed; the live release is unchanged';
    return;
  }

  const platform = deps.createPlatform(settings);
  try {
    await deployWith(platform, settings, deps, record);
  } finally {
    await platform.close();
  }
}

async function deployWith(
  platform: Platform,
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
): Promise<void> {
  const now = (): number => deps.now();
  const snapshot = await phase(record, 'snapshot', now, async (done) => {
    const found = await platform.snapshot();
    done('ok', `live: ${found.current.label}`);
    return found;
  });
  record.previous = snapshot.current;
  for (const notice of snapshot.notices) {
    record.notices.push(notice);
    core.notice(notice, { title: 'guarded-deploy' });
  }
  const healthUrl = settings.healthUrl ?? `${snapshot.webUrl.replace(/\/+$/, '')}/health`;
  record.healthUrl = healthUrl;
  // While the old release may still serve (preboot), a timeout would be judged too early.
  const verify = (label: string): Promise<HealthReport> =>
    core.group(`Health of ${label}: ${healthUrl}`, () =>
      waitForHealthy(
        {
          url: healthUrl,
          criteria: settings.health.criteria,
          intervalMs: settings.health.intervalMs,
          timeoutMs: settings.health.timeoutMs + snapshot.switchoverSeconds * 1000,
          threshold: settings.health.threshold,
        },
        deps.probe,
        (line) => core.info(line),
      ),
    );

  let pushStarted = false;
  let liveChanged = true;
  try {
    const release = await phase(record, 'push', now, async (done) => {
      pushStarted = true;
      const pushed = await core.group(`Build and release of ${settings.run.sha}`, () =>
        platform.push(settings.run.sha, (line) => core.info(line)),
      );
      done('ok', `released ${pushed.label}`);
      return pushed;
    });
    record.release = release;
    const health = await phase(record, 'verify', now, async (done) => {
      const report = await verify(release.label);
      record.health = report;
      done(report.verdict === 'healthy' ? 'ok' : 'failed', report.reason);
      return report;
    });
    if (health.verdict === 'healthy') {
      record.result = 'deployed';
      return;
    }
    record.cause = `New release ${release.label} is unhealthy: ${health.reason}`;
  } catch (error) {
    record.cause = errorMessage(error);
    if (error instanceof DeployError) liveChanged = error.liveChanged;
  }

  await recover(settings, platform, snapshot.current, record, {
    pushStarted,
    liveChanged,
    verify,
    now,
  });
}

interface RecoverContext {
  readonly pushStarted: boolean;
  readonly liveChanged: boolean;
  readonly verify: (label: string) => Promise<HealthReport>;
  readonly now: () => number;
}

/** After a failure: find out what is live, roll back if needed, verify, and say the truth. */
async function recover(
  settings: Settings,
  platform: Platform,
  target: Release,
  record: RunRecord,
  context: RecoverContext,
): Promise<void> {
  let previousIsLive: boolean | undefined =
    context.pushStarted && context.liveChanged ? undefined : true;
  if (previousIsLive === undefined) {
    try {
      previousIsLive = (await platform.liveRelease()).id === target.id;
    } catch (error) {
      core.warning(`Could not read the live release: ${errorMessage(error)}`);
    }
  }
  const next = decideAfterFailure({
    pushStarted: context.pushStarted,
    previousIsLive,
    rollbackEnabled: settings.rollback,
  });
  record.result = 'failed';
  if (next.kind === 'stop') {
    record.appState = next.appState;
    if (previousIsLive !== true) {
      record.recovery = recoveryCommand(settings.platform, settings.app, target);
    }
    return;
  }

  const deployCause = record.cause ?? 'the deploy failed';
  try {
    const restored = await phase(record, 'rollback', context.now, async (done) => {
      const release = await core.group(`Rollback to ${target.label}`, () =>
        platform.rollback(target, (line) => core.info(line)),
      );
      done('ok', `${release.label} restores ${target.label}`);
      return release;
    });
    record.rollbackRelease = restored;
    const health = await phase(record, 'verify rollback', context.now, async (done) => {
      const report = await context.verify(restored.label);
      record.rollbackHealth = report;
      done(report.verdict === 'healthy' ? 'ok' : 'failed', report.reason);
      return report;
    });
    if (health.verdict !== 'healthy') {
      throw new Error(`the restored release ${restored.label} is unhealthy: ${health.reason}`);
    }
    record.result = 'rolled-back';
    record.rolledBack = true;
    record.appState = `rolled back to ${target.label} (as ${restored.label}), verified healthy`;
    record.cause = `${deployCause}; rolled back to ${target.label}, verified healthy`;
  } catch (error) {
    record.recovery = recoveryCommand(settings.platform, settings.app, target);
    record.appState = 'THE APP MAY BE DOWN';
    record.cause =
      `${deployCause}; ROLLBACK TO ${target.label} FAILED: ${errorMessage(error)}. ` +
      `THE APP MAY BE DOWN. Recover by hand: ${record.recovery}`;
  }
}
