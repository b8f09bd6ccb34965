// Wires the real dependencies into the flows and reports on every path.
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FlowDeps, runDeploy } from './flow/deploy.js';
import { GitHubDeployments } from './report/deployments.js';
import { Cancelled, errorMessage, firstLine, InvalidInputs } from './io/errors.js';
import { listRunJobs } from './gate/github-jobs.js';
import { getSettings, type Settings } from './settings/inputs.js';
import { runRollbackMode, runVerifyMode } from './flow/modes.js';
import { runPlanMode } from './flow/plan.js';
import { Input, type ModeName, State } from './settings/names.js';
import { describeStop, endsGreen } from './flow/decide.js';
import type { Platform } from './platforms/platform.js';
import { createFlyPlatform } from './platforms/fly/fly.js';
import { createHerokuPlatform } from './platforms/heroku/heroku.js';
import { liveProbeDeps } from './verify/probe.js';
import { writeOutputs, writeSummary } from './report/summary.js';
import { newRunRecord } from './flow/run-record.js';

const GITHUB_TIMEOUT_MS = 30_000;

function createPlatform(settings: Settings): Platform {
  switch (settings.platform) {
    case 'heroku':
      return createHerokuPlatform(settings);
    case 'fly':
      // Rollback and verify modes run no flyctl: they have no Fly deploy settings.
      return createFlyPlatform(settings);
  }
}

/** The runner sends SIGINT on cancel, SIGTERM 7.5 s later, then kills: stop probing at once. */
export function cancellationSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (name: string) => (): void => {
    core.warning(`Received ${name}: stopping; the post step finishes the rollback.`, {
      title: 'Job cancelled',
    });
    controller.abort(new Cancelled(`received ${name}`));
  };
  process.once('SIGINT', onSignal('SIGINT'));
  process.once('SIGTERM', onSignal('SIGTERM'));
  return controller.signal;
}

export function realDeps(signal: AbortSignal): FlowDeps {
  return {
    now: () => Date.now(),
    sleep: (ms) => sleep(ms),
    createPlatform,
    listJobs: (settings) =>
      listRunJobs(
        getOctokit(settings.githubToken, { baseUrl: settings.run.apiUrl }),
        {
          owner: settings.run.owner,
          repo: settings.run.repo,
          runId: settings.run.runId,
          attempt: settings.run.attempt,
        },
        GITHUB_TIMEOUT_MS,
      ),
    probe: liveProbeDeps,
    signal,
    deployments: (settings) =>
      settings.environment === undefined
        ? undefined
        : new GitHubDeployments(
            getOctokit(settings.githubToken, { baseUrl: settings.run.apiUrl }),
            { owner: settings.run.owner, repo: settings.run.repo },
            GITHUB_TIMEOUT_MS,
          ),
  };
}

/** The main step; throws with the one-line cause whenever the result is not a green one. */
export async function runAction(): Promise<void> {
  core.saveState(State.IsPost, 'true');
  const deps = realDeps(cancellationSignal());
  const record = newRunRecord(
    core.getInput(Input.Platform),
    core.getInput(Input.App),
    new Date(deps.now()),
  );
  let mode: ModeName | undefined;
  try {
    const settings = getSettings();
    record.mode = settings.mode;
    mode = settings.mode;
    if (settings.mode === 'rollback') await runRollbackMode(settings, deps, record);
    else if (settings.mode === 'verify') await runVerifyMode(settings, deps, record);
    else if (settings.mode === 'plan') await runPlanMode(settings, deps, record);
    else await runDeploy(settings, deps, record);
  } catch (error) {
    if (error instanceof InvalidInputs) {
      for (const problem of error.problems) core.error(problem.message, { title: 'Bad input' });
    }
    record.result = 'failed';
    const stop = describeStop({
      cause: firstLine(errorMessage(error)),
      cancelled: error instanceof Cancelled || deps.signal.aborted,
      snapshotTaken: record.previous !== undefined,
      appState: record.appState,
    });
    record.cause = stop.cause;
    record.appState = stop.appState;
  } finally {
    writeOutputs(record);
    await writeSummary(record);
  }
  if (!endsGreen(mode, record.result)) {
    throw new Error(record.cause ?? `result: ${record.result ?? 'failed'}`);
  }
  core.info(
    `${record.result}: ${record.app} ${record.release?.label ?? record.previous?.label ?? ''}` +
      ` healthy at ${record.healthUrl ?? ''}`,
  );
}
