// Deployments and deployment statuses created through the simulated REST API.
import { createHash } from 'node:crypto';
import { iso, nodeId, userLinks } from './format.js';

export type DeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface StoredStatus {
  readonly id: number;
  readonly state: DeploymentState;
  readonly description: string;
  readonly environment: string;
  readonly targetUrl: string;
  readonly logUrl: string;
  readonly environmentUrl: string;
  readonly createdAt: number;
}

export interface StoredDeployment {
  readonly id: number;
  readonly owner: string;
  readonly repo: string;
  readonly sha: string;
  readonly ref: string;
  readonly task: string;
  readonly payload: unknown;
  readonly originalEnvironment: string;
  /** Changes when a status names another environment, like on GitHub. */
  environment: string;
  readonly description: string | null;
  readonly transient: boolean;
  readonly production: boolean;
  readonly createdAt: number;
  updatedAt: number;
  /** Oldest first. */
  readonly statuses: StoredStatus[];
}

export interface NewDeployment {
  readonly ref: string;
  readonly task?: string;
  readonly payload?: unknown;
  readonly environment?: string;
  readonly description?: string | null;
  readonly transientEnvironment?: boolean;
  readonly productionEnvironment?: boolean;
}

export interface NewStatus {
  readonly state: DeploymentState;
  readonly description?: string;
  readonly environment?: string;
  readonly targetUrl?: string;
  readonly logUrl?: string;
  readonly environmentUrl?: string;
  readonly autoInactive?: boolean;
}

export interface DeploymentFilter {
  readonly sha?: string;
  readonly ref?: string;
  readonly task?: string;
  readonly environment?: string;
}

export class Deployments {
  private readonly all: StoredDeployment[] = [];
  private nextDeploymentId = 1;
  private nextStatusId = 1;

  create(owner: string, repo: string, input: NewDeployment, now = Date.now()): StoredDeployment {
    const environment = input.environment ?? 'production';
    const deployment: StoredDeployment = {
      id: this.nextDeploymentId++,
      owner,
      repo,
      sha: resolveRef(owner, repo, input.ref),
      ref: input.ref,
      task: input.task ?? 'deploy',
      payload: input.payload ?? {},
      originalEnvironment: environment,
      environment,
      description: input.description ?? null,
      transient: input.transientEnvironment ?? false,
      production: input.productionEnvironment ?? environment === 'production',
      createdAt: now,
      updatedAt: now,
      statuses: [],
    };
    this.all.push(deployment);
    return deployment;
  }

  /** Newest first, as GitHub lists them. */
  list(owner: string, repo: string, filter: DeploymentFilter = {}): StoredDeployment[] {
    return this.all
      .filter((d) => sameRepo(d, owner, repo))
      .filter((d) => filter.sha === undefined || d.sha === filter.sha)
      .filter((d) => filter.ref === undefined || d.ref === filter.ref)
      .filter((d) => filter.task === undefined || d.task === filter.task)
      .filter((d) => filter.environment === undefined || d.environment === filter.environment)
      .reverse();
  }

  get(owner: string, repo: string, id: number): StoredDeployment | undefined {
    return this.all.find((d) => d.id === id && sameRepo(d, owner, repo));
  }

  addStatus(deployment: StoredDeployment, input: NewStatus, now = Date.now()): StoredStatus {
    if (input.environment !== undefined) deployment.environment = input.environment;
    // log_url replaced target_url; setting either sets both.
    const logUrl = input.logUrl ?? input.targetUrl ?? '';
    const status = this.push(deployment, {
      state: input.state,
      description: input.description ?? '',
      targetUrl: input.targetUrl ?? logUrl,
      logUrl,
      environmentUrl: input.environmentUrl ?? '',
      now,
    });
    if (input.state === 'success' && input.autoInactive !== false) {
      this.deactivateEarlier(deployment, now);
    }
    return status;
  }

  // Earlier deployments to the same environment that were live are no longer.
  private deactivateEarlier(current: StoredDeployment, now: number): void {
    for (const d of this.all) {
      const live = d.statuses.at(-1)?.state === 'success';
      if (d.id < current.id && live && sameRepo(d, current.owner, current.repo)) {
        if (d.environment === current.environment) {
          this.push(d, {
            state: 'inactive',
            description: '',
            targetUrl: '',
            logUrl: '',
            environmentUrl: '',
            now,
          });
        }
      }
    }
  }

  private push(
    deployment: StoredDeployment,
    s: Omit<StoredStatus, 'id' | 'createdAt' | 'environment'> & { now: number },
  ): StoredStatus {
    const status: StoredStatus = {
      id: this.nextStatusId++,
      state: s.state,
      description: s.description,
      environment: deployment.environment,
      targetUrl: s.targetUrl,
      logUrl: s.logUrl,
      environmentUrl: s.environmentUrl,
      createdAt: s.now,
    };
    deployment.statuses.push(status);
    deployment.updatedAt = s.now;
    return status;
  }
}

/** A SHA is deployed as is; a branch or tag stands for a stable made-up commit. */
function resolveRef(owner: string, repo: string, ref: string): string {
  if (/^[0-9a-f]{40}$/i.test(ref)) return ref.toLowerCase();
  const key = `${owner.toLowerCase()}/${repo.toLowerCase()}@${ref}`;
  return createHash('sha1').update(key).digest('hex');
}

function sameRepo(d: StoredDeployment, owner: string, repo: string): boolean {
  return (
    d.owner.toLowerCase() === owner.toLowerCase() && d.repo.toLowerCase() === repo.toLowerCase()
  );
}

// The bot GITHUB_TOKEN acts as.
function actionsBot(baseUrl: string): Record<string, unknown> {
  const user = `${baseUrl}/users/github-actions%5Bbot%5D`;
  return {
    login: 'github-actions[bot]',
    id: 41898282,
    node_id: 'MDM6Qm90NDE4OTgyODI=',
    avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
    gravatar_id: '',
    ...userLinks(user),
    html_url: 'https://github.com/apps/github-actions',
    type: 'Bot',
    user_view_type: 'public',
    site_admin: false,
  };
}

export function deploymentJson(d: StoredDeployment, baseUrl: string): Record<string, unknown> {
  const repoUrl = `${baseUrl}/repos/${d.owner}/${d.repo}`;
  return {
    url: `${repoUrl}/deployments/${d.id}`,
    id: d.id,
    node_id: nodeId('DE', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.originalEnvironment,
    environment: d.environment,
    description: d.description,
    creator: actionsBot(baseUrl),
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
    statuses_url: `${repoUrl}/deployments/${d.id}/statuses`,
    repository_url: repoUrl,
    transient_environment: d.transient,
    production_environment: d.production,
  };
}

export function statusJson(
  d: StoredDeployment,
  s: StoredStatus,
  baseUrl: string,
): Record<string, unknown> {
  const repoUrl = `${baseUrl}/repos/${d.owner}/${d.repo}`;
  return {
    url: `${repoUrl}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DES', s.id),
    state: s.state,
    creator: actionsBot(baseUrl),
    description: s.description,
    environment: s.environment,
    target_url: s.targetUrl,
    log_url: s.logUrl,
    environment_url: s.environmentUrl,
    created_at: iso(s.createdAt),
    updated_at: iso(s.createdAt),
    deployment_url: `${repoUrl}/deployments/${d.id}`,
    repository_url: repoUrl,
  };
}
