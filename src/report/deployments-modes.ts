// What a GitHub deployment records in `mode: rollback` and `mode: verify`: pure decisions.
import { statusDescription } from './deployments-plan.js';

/** One status to post for a manual rollback or a health check. */
export interface ModeStatus {
  /** `restored`: the new deployment of the restored release; `rolledBack`: the deployment that
   * was current before the rollback; `current`: the deployment live when verify ran. */
  readonly deployment: 'restored' | 'rolledBack' | 'current';
  readonly state: 'success' | 'failure' | 'inactive';
  readonly withEnvironmentUrl: boolean;
  readonly description: string;
}

export interface RollbackFacts {
  /** The release restored (Heroku `v41`). */
  readonly target: string;
  /** The release that was live before (the one rolled back). */
  readonly from: string;
  readonly ok: boolean;
  readonly reason?: string;
}

/**
 * A verified manual rollback moves the pointer: the rolled-back deployment goes `inactive`
 * first, then the new one `success`. Explicitly: the REST API description says
 * `auto_inactive` covers only non-production deployments (GitHub's 2018 changelog says
 * production ones too); posting `inactive` first keeps a second one from being added where
 * it does apply. A failed rollback fails the new deployment and leaves the current one.
 */
export function rollbackStatuses(facts: RollbackFacts): ModeStatus[] {
  if (!facts.ok) {
    const why = facts.reason === undefined ? '' : `: ${facts.reason}`;
    return [
      {
        deployment: 'restored',
        state: 'failure',
        withEnvironmentUrl: false,
        description: statusDescription(`Rollback to ${facts.target} failed${why}`),
      },
    ];
  }
  return [
    {
      deployment: 'rolledBack',
      state: 'inactive',
      withEnvironmentUrl: false,
      description: statusDescription(`Rolled back to ${facts.target} by hand`),
    },
    {
      deployment: 'restored',
      state: 'success',
      withEnvironmentUrl: true,
      description: statusDescription(`${facts.target} live again (rolled back from ${facts.from})`),
    },
  ];
}

/** `mode: verify` adds its verdict to the deployment that is current. */
export function verifyStatus(release: string, healthy: boolean, reason?: string): ModeStatus {
  return {
    deployment: 'current',
    state: healthy ? 'success' : 'failure',
    withEnvironmentUrl: healthy,
    description: statusDescription(
      healthy
        ? `Verified: ${release} is live and healthy`
        : `${release} is live and UNHEALTHY${reason === undefined ? '' : `: ${reason}`}`,
    ),
  };
}

/** A deployment's statuses, oldest first, as far as choosing the current one needs. */
export interface DeploymentHistory {
  readonly id: number;
  readonly states: readonly string[];
}

/**
 * The deployment that is current: the newest that went live (`success` at some point) and
 * has not been replaced since (its latest status is not `inactive`). A deploy that was rolled
 * back never had a `success`; a failed health check of a live one keeps it current.
 */
export function currentDeployment(newestFirst: readonly DeploymentHistory[]): number | undefined {
  const live = newestFirst.find(
    (deployment) =>
      deployment.states.includes('success') && deployment.states.at(-1) !== 'inactive',
  );
  return live?.id;
}
