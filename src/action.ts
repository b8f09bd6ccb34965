// Wires the real dependencies into the deploy flow and reports on every path.
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { runDeploy, type FlowDeps } from './deploy.js';
import { errorMessage, InvalidInputs } from './errors.js';
import { listRunJobs } from './github-jobs.js';
import { getSettings, type Settings } from './inputs.js';
import { Input } from './names.js';
import type { Platform } from './platform.js';
import { createHerokuPlatform } from './platforms/heroku.js';
import { liveProbeDeps } from './probe.js';
import { renderSummary, writeOutputs } from './report.js';
import { newRunRecord } from './run-record.js';

const GITHUB_TIMEOUT_MS = 30_000;

function createPlatform(settings: Settings): Platform {
  switch (settings.platform) {
    case 'heroku':
      return createHerokuPlatform(settings);
    case 'fly':
      throw new Error('platform fly is not available in this version');
  }
}

const realDeps: FlowDeps = {
  now: () => Date.now(),
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
};

/** Runs the action; throws with the one-line cause whenever the result is not `deployed`. */
export async function runAction(deps: FlowDeps = realDeps): Promise<void> {
  const record = newRunRecord(
    core.getInput(Input.Platform),
    core.getInput(Input.App),
    new Date(deps.now()),
  );
  try {
    const settings = getSettings();
    await runDeploy(settings, deps, record);
  } catch (error) {
    if (error instanceof InvalidInputs) {
      for (const problem of error.problems) core.error(problem.message, { title: 'Bad input' });
    }
    record.result = 'failed';
    record.cause = errorMessage(error);
    record.appState ??= record.previous === undefined ? 'nothing was changed' : undefined;
  } finally {
    writeOutputs(record);
    try {
      await core.summary.addRaw(renderSummary(record)).write();
    } catch (error) {
      core.warning(`Could not write the job summary: ${errorMessage(error)}`);
    }
  }
  if (record.result !== 'deployed') {
    throw new Error(record.cause ?? `result: ${record.result ?? 'failed'}`);
  }
  core.info(
    `Deployed ${record.release?.label ?? ''} to ${record.app}; healthy at ${record.healthUrl ?? ''}`,
  );
}
