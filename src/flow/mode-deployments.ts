// GitHub deployments for `mode: rollback` and `mode: verify` (with `environment` set): a
// manual rollback moves the deployment pointer, a health check adds its verdict.
import * as core from '@actions/core';
import { errorMessage } from '../io/errors.js';
import { looksLikeProduction, runLogUrl, type GitHubDeployments } from '../report/deployments.js';
import { type ModeStatus, rollbackStatuses, verifyStatus } from '../report/deployments-modes.js';
import type { Settings } from '../settings/inputs.js';
import type { Release } from '../platforms/platform.js';
import type { FlowDeps } from './deploy.js';
import { phase, type RunRecord } from './run-record.js';
import { ticketOf } from './deploy-queue.js';

function logUrlOf(settings: Settings): string {
  return runLogUrl({
    serverUrl: settings.run.serverUrl,
    owner: settings.run.owner,
    repo: settings.run.repo,
    runId: settings.run.runId,
    attempt: settings.run.attempt,
  });
}

async function post(
  tracker: GitHubDeployments,
  id: number,
  status: ModeStatus,
  settings: Settings,
  record: RunRecord,
): Promise<void> {
  await tracker.setStatus(id, status.state, {
    ...(status.withEnvironmentUrl && record.webUrl !== undefined
      ? { environmentUrl: record.webUrl }
      : {}),
    logUrl: logUrlOf(settings),
    description: status.description,
  });
}

/** Ends a run without failing it over a status GitHub did not take: the app is what matters. */
async function warnIfNotRecorded(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    core.warning(`Could not record the GitHub deployment status: ${errorMessage(error)}`, {
      title: 'Deployment status not recorded',
    });
  }
}

/** What the rollback mode needs to finish its deployment record. */
export interface RollbackTracking {
  finish(ok: boolean, reason: string | undefined): Promise<void>;
}

/**
 * Before a manual rollback: finds the current deployment and creates the one of the restored
 * release (a refused permission fails here, before the platform changes).
 */
export async function startRollbackDeployment(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
  from: Release,
  target: Release,
): Promise<RollbackTracking | undefined> {
  const tracker = deps.deployments(settings);
  const environment = settings.environment;
  if (tracker === undefined || environment === undefined) return undefined;
  const { current, created } = await phase(record, 'github deployment', deps.now, async (done) => {
    const found = await tracker.findCurrent(environment);
    const made = await tracker.createDeployment({
      sha: settings.run.sha,
      environment,
      production: looksLikeProduction(environment),
      platform: settings.platform,
      app: settings.app,
      description: `guarded-deploy rollback of ${settings.app} from ${from.label} to ${target.label}`,
      extraPayload: { release: target.label, rolledBack: from.label },
      ticket: ticketOf(settings),
    });
    done('ok', `deployment ${made.id} in ${environment} for ${target.label}`);
    return { current: found, created: made };
  });
  await tracker.setStatus(created.id, 'in_progress', {
    logUrl: logUrlOf(settings),
    description: `Rolling back ${settings.app} to ${target.label}`,
  });
  return {
    finish: (ok, reason) =>
      warnIfNotRecorded(async () => {
        const facts = { target: target.label, from: from.label, ok };
        const statuses = rollbackStatuses(reason === undefined ? facts : { ...facts, reason });
        for (const status of statuses) {
          const id = status.deployment === 'rolledBack' ? current : created.id;
          if (id !== undefined) await post(tracker, id, status, settings, record);
        }
      }),
  };
}

/** After `mode: verify`: its verdict as a status of the current deployment, when there is one. */
export async function recordVerifyStatus(
  settings: Settings,
  deps: FlowDeps,
  record: RunRecord,
  release: Release,
  healthy: boolean,
  reason: string | undefined,
): Promise<void> {
  const tracker = deps.deployments(settings);
  const environment = settings.environment;
  if (tracker === undefined || environment === undefined) return;
  await warnIfNotRecorded(async () => {
    const current = await tracker.findCurrent(environment);
    if (current === undefined) {
      core.notice(`No current deployment in ${environment}: the verdict is not recorded there.`);
      return;
    }
    await post(tracker, current, verifyStatus(release.label, healthy, reason), settings, record);
  });
}
