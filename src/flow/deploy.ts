// The deploy flow: gate → snapshot → push → verify, and on any failure after the push,
// rollback → verify. Platform, GitHub, the clock and the cancellation signal are injected.
import * as core from '@actions/core';
import { withUntrustedEcho, withUntrustedLines } from '../io/untrusted-output.js';
import { decideAfterFailure, mustReadLive } from './decide.js';
import { Cancelled, DeployError, errorMessage, firstLine } from '../io/errors.js';
import { type JobInfo, judgeGate } from '../gate/gate.js';
import {
  type Deployment,
  type GitHubDeployments,
  looksLikeProduction,
  runLogUrl,
} from '../report/deployments.js';
import type { Settings } from '../settings/inputs.js';
import {
  type Platform,
  type Release,
  type RestorePlan,
  sameRelease,
  type Snapshot,
} from '../platforms/platform.js';
import { type BaselineReport, probeBaseline, probeVersionBaseline } from '../verify/baseline.js';
import { type AppLogs, fetchAppLogs } from '../verify/logs.js';
import type { ProbeDeps } from '../verify/probe.js';
import { recoveryCommand } from './recover.js';
import { reportRollback, rollbackAndVerify } from './recover.js';
import { phase, type RunRecord } from './run-record.js';
import { savePlan, saveRelease, saveStage } from './state.js';
import { readyToPush } from './ready-to-push.js';
import { recordArtifact } from './artifact.js';
import { describeRelease } from '../report/release-words.js';
import { appLogsWhose } from '../report/summary/logs.js';
import type { DeploysAhead } from './deploy-lock.js';
import { queueReader, ticketOf } from './deploy-queue.js';
import { type Verdict, verifyRelease, type VerifyContext } from '../verify/verify-release.js';

/** How long to wait for a build or release already in flight before reading what is live. */
export const SETTLE_TIMEOUT_MS = 15 * 60_000;

export interface FlowDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  createPlatform: (settings: Settings) => Platform;
  listJobs: (settings: Settings) => Promise<JobInfo[]>;
  probe: ProbeDeps;
  /** Aborted when the job is cancelled (SIGINT/SIGTERM from the runner). */
  signal: AbortSignal;
  /** The GitHub Deployments client when `environment` is set. */
  deployments: (settings: Settings) => GitHubDeployments | undefined;
}

export function throwIfCancelled(signal: AbortSignal, where: string): void {
  if (signal.aborted) throw new Cancelled(`The job was cancelled during ${where}`);
}

/** Settles with `work`, or rejects with Cancelled as soon as the job is cancelled (the work
 * goes on in the background; main then exits and the post step takes over). */
export function untilCancelled<T>(
  work: Promise<T>,
  signal: AbortSignal,
  where: string,
): Promise<T> {
  if (signal.aborted) return Promise.reject(new Cancelled(`The job was cancelled during ${where}`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Cancelled(`The job was cancelled during ${where}`));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The health URL: the input, or the app's web URL + /health. */
export function healthUrlFor(settings: Settings, snapshot: Snapshot): string {
  return settings.healthUrl ?? `${snapshot.webUrl.replace(/\/+$/, '')}/health`;
}

export function verifyContext(
  settings: Settings,
  platform: Platform,
  snapshot: Snapshot,
  deps: FlowDeps,
): VerifyContext {
  return {
    settings,
    platform,
    probe: deps.probe,
    healthUrl: healthUrlFor(settings, snapshot),
    switchoverMs: snapshot.switchoverSeconds * 1000,
    signal: deps.signal,
  };
}

/** Reads the live release and the rollback target, and says what the user should know. */
export async function takeSnapshot(
  platform: Platform,
  record: RunRecord,
  deps: FlowDeps,
): Promise<Snapshot> {
  const snapshot = await phase(record, 'snapshot', deps.now, async (done) => {
    const found = await platform.snapshot();
    done('ok', `live: ${found.current.label}`);
    return found;
  });
  record.previous = snapshot.current;
  if (snapshot.webUrl !== '') record.webUrl = snapshot.webUrl;
  for (const notice of snapshot.notices) {
    // A second snapshot (after waiting for another deploy) says most of them again.
    if (record.notices.includes(notice)) continue;
    record.notices.push(notice);
    core.notice(notice, { title: 'guarded-deploy' });
  }
  return snapshot;
}

/** The `verify` phase of the timeline: both views of `release`, recorded for the summary. */
export function verifyPhase(
  record: RunRecord,
  deps: FlowDeps,
  context: VerifyContext,
  release: Release,
): Promise<Verdict> {
  return phase(record, 'verify', deps.now, async (done) => {
    const result = await verifyRelease(context, release, true);
    record.health = result.health;
    record.verdict = result.kind;
    record.instances = result.instances;
    done(result.healthy ? 'ok' : 'failed', result.reason);
    return result;
  });
}

/** The release live now, polled a few times with the same criteria before the push: a later
 * failure the same way points at the check, not the release. Its `version-url` too, side by
 * side, when set. Short, and never fatal. */
export async function baselinePhase(
  record: RunRecord,
  deps: FlowDeps,
  context: VerifyContext,
): Promise<BaselineReport> {
  const { health } = context.settings;
  return phase(record, 'baseline', deps.now, async (done) => {
    const [report, version] = await Promise.all([
      probeBaseline(context.healthUrl, health.criteria, health.intervalMs, deps.probe, deps.signal),
      health.version === undefined
        ? undefined
        : probeVersionBaseline(health.version, health.intervalMs, deps.probe, deps.signal),
    ]);
    record.baseline = { ...report, version };
    core.info(`Baseline of the live release at ${context.healthUrl}: ${report.summary}`);
    if (version !== undefined) {
      core.info(`Baseline of the live release at ${version.url}: ${version.summary}`);
    }
    const passed = report.passes > 0 && (version === undefined || version.passes > 0);
    const versionWords = version === undefined ? '' : `; version-url: ${version.summary}`;
    done(passed ? 'ok' : 'failed', `${report.summary}${versionWords}`);
    return record.baseline;
  });
}

/** `mode: deploy`. Fills `record`; throws only for what it did not understand. With
 * `environment` set, a GitHub deployment records it: created first (a missing permission
 * fails before anything else), `in_progress` at the push, the outcome at the end. */
export async function runDeploy(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
): Promise<void> {
  const tracker = deps.deployments(settings);
  if (tracker === undefined || settings.environment === undefined) {
    await deployGated(settings, deps, record, undefined);
    return;
  }
  const environment = settings.environment;
  const deployment = await phase(record, 'github deployment', deps.now, async (done) => {
    const created = await tracker.createDeployment({
      sha: settings.run.sha,
      environment,
      production: looksLikeProduction(environment),
      platform: settings.platform,
      app: settings.app,
      description: `guarded-deploy of ${settings.run.sha.slice(0, 12)} to ${settings.app}`,
      ticket: ticketOf(settings),
    });
    done('ok', `deployment ${created.id} in ${environment}`);
    return created;
  });
  const logUrl = runLogUrl({
    serverUrl: settings.run.serverUrl,
    owner: settings.run.owner,
    repo: settings.run.repo,
    runId: settings.run.runId,
    attempt: settings.run.attempt,
  });
  // Its id is its place in the queue of deploys of the app: it waits for lower ones only.
  const deploysAhead = queueReader(tracker, environment, settings, deployment.id, deps.now);
  try {
    const onPushStart = async (): Promise<void> => {
      await tracker.setStatus(deployment.id, 'in_progress', {
        logUrl,
        description: `Deploying to ${settings.app}`,
      });
    };
    await deployGated(settings, deps, record, onPushStart, deploysAhead);
  } finally {
    await recordDeployment(tracker, deployment, record, logUrl);
  }
}

async function recordDeployment(
  tracker: GitHubDeployments,
  deployment: Deployment,
  record: RunRecord,
  logUrl: string,
): Promise<void> {
  try {
    await tracker.recordOutcome(deployment, record.result ?? 'failed', {
      logUrl,
      ...(record.webUrl === undefined ? {} : { environmentUrl: record.webUrl }),
      ...(record.release === undefined ? {} : { release: record.release.label }),
      ...(record.previous === undefined ? {} : { previousRelease: record.previous.label }),
      ...(record.cause === undefined ? {} : { reason: record.cause }),
    });
  } catch (error) {
    core.warning(`Could not record the GitHub deployment status: ${errorMessage(error)}`, {
      title: 'Deployment status not recorded',
    });
  }
}

/** The `gate` phase: whether the required jobs passed; a refusal is recorded as the result. */
export async function passGate(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
): Promise<boolean> {
  const gate = await phase(record, 'gate', deps.now, async (done) => {
    const jobs = await deps.listJobs(settings);
    const verdict = judgeGate({
      jobs,
      requireJobs: settings.requireJobs,
      needs: settings.needs,
      selfRunnerName: settings.run.runnerName,
      attempt: settings.run.attempt,
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
    return false;
  }
  throwIfCancelled(deps.signal, 'the gate');
  return true;
}

async function deployGated(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
  onPushStart: (() => Promise<void>) | undefined,
  deploysAhead?: DeploysAhead,
): Promise<void> {
  if (!(await passGate(settings, deps, record))) return;

  const platform = deps.createPlatform(settings);
  try {
    await deployWith(platform, settings, deps, record, onPushStart, deploysAhead);
  } finally {
    await platform.close();
  }
}

async function deployWith(
  platform: Platform,
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
  onPushStart: (() => Promise<void>) | undefined,
  deploysAhead: DeploysAhead | undefined,
): Promise<void> {
  const ready = await readyToPush(platform, settings, deps, record, deploysAhead);
  if (ready === undefined) return;
  const { snapshot, context } = ready;
  await onPushStart?.();

  // From here on the platform may change: the post step must know what to restore.
  savePlan(snapshot.restore);
  saveStage('deploying');
  let pushStarted = false;
  let liveChanged = true;
  let appLogs: Promise<AppLogs> | undefined;
  try {
    const release = await phase(record, 'push', deps.now, async (done) => {
      pushStarted = true;
      const pushed = await untilCancelled(
        core.group(`Build and release of ${settings.run.sha}`, () =>
          // Build and flyctl output is not ours: none of its lines may act on the runner.
          withUntrustedEcho((log) => platform.push(settings.run.sha, log, deps.signal)),
        ),
        deps.signal,
        'the push',
      );
      done('ok', `released ${pushed.label}`);
      return pushed;
    });
    record.release = release;
    saveRelease(release);
    throwIfCancelled(deps.signal, 'the push');
    const verdict = await verifyPhase(record, deps, context, release);
    throwIfCancelled(deps.signal, 'the health check');
    if (verdict.healthy) {
      record.result = 'deployed';
      saveStage('settled');
      await recordArtifact(platform, release, record);
      return;
    }
    const judged = verdict.kind === 'inconclusive' ? 'could not be judged' : 'is unhealthy';
    record.cause = `New release ${release.label} ${judged}: ${verdict.reason}`;
    // Asked now, read after the rollback request has left: it never delays it.
    appLogs = fetchAppLogs(platform, release);
  } catch (error) {
    // A cancelled job leaves the rollback to the post step: main has seconds, not minutes.
    if (error instanceof Cancelled || deps.signal.aborted) throw error;
    const message = errorMessage(error);
    record.cause = firstLine(message);
    // The details may quote build or flyctl output.
    if (message !== record.cause) withUntrustedLines(message);
    if (error instanceof DeployError) liveChanged = error.liveChanged;
    if (error instanceof DeployError && error.neverLive) record.neverLive = error.neverLive;
  }
  await recover(settings, context, snapshot.restore, record, deps, pushStarted, liveChanged);
  if (appLogs !== undefined) showAppLogs(record, await appLogs);
  saveStage('settled');
}

/** The condemned release's own lines: in the log (as untrusted text) and the summary. */
function showAppLogs(record: RunRecord, logs: AppLogs): void {
  const took = `${Math.round(logs.elapsedMs)} ms`;
  if (logs.lines.length === 0) {
    core.info(`The app's own logs could not be read (${took}): ${logs.note ?? 'none kept'}`);
    return;
  }
  core.info(`The app's own logs: ${logs.lines.length} lines read in ${took}, beside the rollback`);
  record.appLogs = logs.lines;
  core.startGroup(`Last ${logs.lines.length} ${appLogsWhose(record.platform)}`);
  withUntrustedLines(logs.lines.join('\n'));
  core.endGroup();
}

/** After a failure: find out what is live, roll back if needed, verify, and say the truth. */
async function recover(
  settings: Settings,
  context: VerifyContext,
  plan: RestorePlan,
  record: RunRecord,
  deps: FlowDeps,
  pushStarted: boolean,
  liveChanged: boolean,
): Promise<void> {
  const { target } = plan;
  let previousIsLive: boolean | undefined = true;
  if (mustReadLive(pushStarted, liveChanged)) {
    previousIsLive = undefined;
    try {
      // A build whose creation had an unknown outcome may still release: wait for it first.
      await context.platform.settle?.(SETTLE_TIMEOUT_MS);
      previousIsLive = sameRelease(await context.platform.liveRelease(), target);
    } catch (error) {
      core.warning(`Could not read the live release: ${errorMessage(error)}`);
    }
  }
  const next = decideAfterFailure({
    pushStarted,
    previousIsLive,
    rollbackEnabled: settings.rollback,
    previous: describeRelease(settings.platform, target),
  });
  record.result = 'failed';
  if (next.kind === 'stop') {
    record.appState = next.appState;
    if (next.showRecovery) {
      record.recovery = recoveryCommand(settings.platform, settings.app, target);
    }
    return;
  }
  const cause = record.cause ?? 'the deploy failed';
  const outcome = await rollbackAndVerify(context, plan, record, deps);
  if (outcome.ok) record.result = 'rolled-back';
  reportRollback(record, context, target, outcome, cause);
}
