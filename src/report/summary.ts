// Turns the run record into the job summary (markdown) and the step outputs.
import * as core from '@actions/core';
import { Input, Output } from '../settings/names.js';
import type { RunRecord } from '../flow/run-record.js';
import { errorMessage } from '../io/errors.js';
import { ACTION_NAME, ACTION_VERSION } from '../io/version.js';
import { readCommitInfo } from './commit.js';
import { causeBlocks } from './summary/cause.js';
import { code } from './summary/markdown.js';
import { headline, type SummaryContext } from './summary/headline.js';
import { healthBlocks } from './summary/health.js';
import { logBlocks } from './summary/logs.js';
import { gateBlocks, instanceBlocks, releaseBlocks } from './summary/tables.js';
import { planBlocks } from './summary/plan.js';
import { timeline } from './summary/timeline.js';

export { quantile } from './summary/health.js';
export type { SummaryContext } from './summary/headline.js';

/** The job summary, markdown; written on every path. First what a person looks for: the
 * verdict, the cause and the app's state; then the evidence, long output folded. */
export function renderSummary(record: RunRecord, context: SummaryContext = {}): string {
  const refused = record.result === 'refused';
  const parts = [
    headline(record, context),
    ...causeBlocks(record),
    ...planBlocks(record),
    ...logBlocks(record),
    // A refusal's evidence is the gate: first; otherwise it is a detail.
    ...(refused ? gateBlocks(record) : []),
    ...healthBlocks(record),
    ...timeline(record),
    ...releaseBlocks(record),
    ...(refused ? [] : gateBlocks(record)),
    ...instanceBlocks(record),
  ];
  // The exact mode and result values, as a workflow's `if:` would compare them.
  const result = record.result ?? 'failed';
  parts.push(
    `<sub>${ACTION_NAME} ${ACTION_VERSION} · mode ${code(record.mode)} · ` +
      `result ${code(result)}</sub>`,
  );
  return `${parts.join('\n\n')}\n`;
}

/** Renders and writes the job summary with the commit read from the runner; never throws. */
export async function writeSummary(record: RunRecord): Promise<void> {
  try {
    const commit = await readCommitInfo(process.env, (message) => core.debug(message));
    const environment = core.getInput(Input.Environment);
    await core.summary.addRaw(renderSummary(record, { commit, environment })).write();
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`);
  }
}

/** Sets every output; called on every path, so refusals and crashes have them too. */
export function writeOutputs(record: RunRecord): void {
  core.setOutput(Output.Result, record.result ?? 'failed');
  core.setOutput(Output.Release, record.release?.label ?? '');
  core.setOutput(Output.PreviousRelease, record.previous?.label ?? '');
  core.setOutput(Output.RolledBack, String(record.rolledBack));
  core.setOutput(Output.HealthUrl, record.healthUrl ?? '');
  core.setOutput(Output.Verdict, record.verdict ?? '');
  core.setOutput(Output.Artifact, record.result === 'deployed' ? (record.artifact ?? '') : '');
}
