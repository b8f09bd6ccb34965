// The post step (`post-if: always()`): when main was cut short after touching the platform and
// before a verdict (a cancelled job, a killed process), roll back to the saved target and
// verify it. Runs in a fresh process with the same inputs.
import * as core from '@actions/core';
import { cancellationSignal, realDeps } from './action.js';
import { type FlowDeps, SETTLE_TIMEOUT_MS, verifyContext } from './flow/deploy.js';
import { errorMessage, firstLine } from './io/errors.js';
import { decidePostStep, NOTHING_TO_ROLL_BACK } from './flow/decide.js';
import { getSettings } from './settings/inputs.js';
import { reportRollback, rollbackAndVerify } from './flow/recover.js';
import { writeSummary } from './report/summary.js';
import { newRunRecord } from './flow/run-record.js';
import { loadState, saveStage } from './flow/state.js';

export async function runPost(deps: FlowDeps): Promise<void> {
  const state = loadState();
  const step = decidePostStep(state.stage, state.plan);
  if (step.kind === 'nothing') {
    core.info(NOTHING_TO_ROLL_BACK);
    return;
  }
  if (step.kind === 'unreadable') {
    throw new Error(
      'The deploy was interrupted, but the restore plan main saved is unreadable: ' +
        'THE ROLLBACK COULD NOT RUN. Check the live release by hand.',
    );
  }
  const { plan } = step;
  const { target } = plan;
  const settings = getSettings();
  const record = newRunRecord(settings.platform, settings.app, new Date());
  record.mode = 'post';
  record.previous = target;
  record.release = state.release;
  const cause =
    'The deploy was interrupted before its release was verified (job cancelled or the ' +
    'action stopped)';
  core.warning(`${cause}: rolling back to ${target.label}.`, { title: 'Finishing a rollback' });
  const platform = deps.createPlatform(settings);
  try {
    // A build the cancelled run started goes on; roll back only after it released (or not).
    await platform.settle?.(SETTLE_TIMEOUT_MS);
    const snapshot = await platform.snapshot();
    const context = verifyContext(settings, platform, snapshot, deps);
    record.healthUrl = context.healthUrl;
    const outcome = await rollbackAndVerify(context, plan, record, deps);
    record.result = outcome.ok ? 'rolled-back' : 'failed';
    reportRollback(record, context, target, outcome, cause);
  } catch (error) {
    record.result = 'failed';
    record.cause = `${cause}; THE ROLLBACK COULD NOT RUN: ${firstLine(errorMessage(error))}`;
  } finally {
    await platform.close();
    saveStage('settled');
    await writeSummary(record);
  }
  if (record.result !== 'rolled-back') throw new Error(record.cause);
  core.error(record.cause ?? cause, { title: 'Deploy interrupted, rolled back' });
}

/** The post step's entry: one try/catch, like main. */
export async function post(): Promise<void> {
  try {
    await runPost(realDeps(cancellationSignal()));
  } catch (error) {
    core.setFailed(errorMessage(error));
  }
}
