// What a GitHub deployment records for each outcome of the action: pure decisions and texts.
import { Result } from '../settings/names.js';
import type { ResultValue } from '../settings/names.js';

/** The deployment status states the action posts. */
export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/** GitHub refuses longer status descriptions with a 422. */
export const MAX_STATUS_DESCRIPTION = 140;

const ELLIPSIS = '…';

/**
 * `text` cut to GitHub's limit, ending in an ellipsis when cut. Counted in UTF-16 units (never
 * fewer than GitHub's characters) and never splitting a surrogate pair.
 */
export function statusDescription(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= MAX_STATUS_DESCRIPTION) return oneLine;
  let cut = MAX_STATUS_DESCRIPTION - ELLIPSIS.length;
  const last = oneLine.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return `${oneLine.slice(0, cut).trimEnd()}${ELLIPSIS}`;
}

/** Where this workflow run is, from GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID and
 * GITHUB_RUN_ATTEMPT. */
export interface RunLocation {
  readonly serverUrl: string;
  readonly owner: string;
  readonly repo: string;
  readonly runId: number;
  /** 1-based; the URL then points at this attempt rather than the latest one. */
  readonly attempt?: number;
}

/** The page of this run (attempt), used as the `log_url` of the statuses it posts. */
export function runLogUrl(run: RunLocation): string {
  const server = run.serverUrl.replace(/\/+$/, '');
  const repo = `${encodeURIComponent(run.owner)}/${encodeURIComponent(run.repo)}`;
  const base = `${server}/${repo}/actions/runs/${run.runId}`;
  return run.attempt === undefined ? base : `${base}/attempts/${run.attempt}`;
}

/** What the texts of the statuses may mention; all optional. */
export interface OutcomeFacts {
  /** The release this run created (Heroku `v42`). */
  readonly release?: string;
  /** The release that was live before, and is again after a rollback. */
  readonly previousRelease?: string;
  /** Why the deploy was refused or failed, or why it was rolled back. */
  readonly reason?: string;
}

/** One status to post when the action ends. */
export interface PlannedStatus {
  /** `ours`: the deployment this run created; `previous`: the one that was live before it. */
  readonly deployment: 'ours' | 'previous';
  readonly state: 'success' | 'failure' | 'error';
  /** Only a `success` says where the app is. Every final status links to this run's log. */
  readonly withEnvironmentUrl: boolean;
  readonly description: string;
}

function given(value: string | undefined, fallback: string): string {
  return value === undefined || value.trim() === '' ? fallback : value;
}

function because(text: string, reason: string | undefined): string {
  return reason === undefined || reason.trim() === '' ? text : `${text}: ${reason}`;
}

function ours(state: PlannedStatus['state'], description: string): PlannedStatus {
  return {
    deployment: 'ours',
    state,
    withEnvironmentUrl: state === 'success',
    description: statusDescription(description),
  };
}

/**
 * The statuses to post, in order, once the outcome is known. A rollback fails our deployment
 * and makes the previous one current again with a fresh `success`; `refused` is `error` since
 * nothing was attempted, while `failed` is a `failure` of an attempted deploy. `verified`
 * (`mode: verify`) has no deployment of its own.
 */
export function plannedStatuses(outcome: ResultValue, facts: OutcomeFacts = {}): PlannedStatus[] {
  const release = given(facts.release, 'the new release');
  // A Record rather than a switch: a new outcome without a plan does not compile.
  const plans: Record<ResultValue, () => PlannedStatus[]> = {
    [Result.Deployed]: () => [ours('success', `Deployed ${release}; health check passed`)],
    [Result.RolledBack]: () => [
      ours(
        'failure',
        because(
          `Rolled back to ${given(facts.previousRelease, 'the previous release')}`,
          facts.reason,
        ),
      ),
      {
        deployment: 'previous',
        state: 'success',
        withEnvironmentUrl: true,
        description: statusDescription(`Live again after the rollback of ${release}`),
      },
    ],
    [Result.Refused]: () => [
      ours('error', `Not deployed: ${given(facts.reason, 'the required jobs did not pass')}`),
    ],
    [Result.Failed]: () => [ours('failure', because('Deploy failed', facts.reason))],
    // `mode: verify` deploys nothing, so it records no deployment.
    [Result.Verified]: () => [],
    // `mode: plan` changes nothing: no deployment either.
    [Result.Planned]: () => [],
  };
  return plans[outcome]();
}
