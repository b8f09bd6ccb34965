// Records the deploy as a GitHub deployment of an environment, with statuses as it goes.
import { errorMessage, HttpError } from '../io/errors.js';
import type { GitHubClient } from '../gate/github-jobs.js';
import { headerOf, rateLimitMessage, retryRead, statusOf } from '../gate/github-retry.js';
import { plannedStatuses, statusDescription } from './deployments-plan.js';
import { currentDeployment } from './deployments-modes.js';
import type { DeploymentState, OutcomeFacts } from './deployments-plan.js';
import type { PlatformName, ResultValue } from '../settings/names.js';

export type { DeploymentState, OutcomeFacts, RunLocation } from './deployments-plan.js';
export { plannedStatuses, runLogUrl, statusDescription } from './deployments-plan.js';

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

export interface NewDeployment {
  /** The commit being deployed (GITHUB_SHA). */
  readonly sha: string;
  /** The `environment` input, e.g. `production`. */
  readonly environment: string;
  /** Whether the environment serves end users (see `looksLikeProduction`). */
  readonly production: boolean;
  readonly platform: PlatformName;
  readonly app: string;
  readonly description: string;
  /** The run and job creating it: recorded for the deploy queue (`flow/deploy-queue.ts`). */
  readonly ticket: DeployTicket;
  /** More to record with it, e.g. the release a manual rollback restores. */
  readonly extraPayload?: Readonly<Record<string, string>>;
}

/** Which run (attempt) and job created a deployment. */
export interface DeployTicket {
  readonly runId: number;
  readonly attempt: number;
  /** GITHUB_JOB, when the runner set it. */
  readonly job?: string;
}

/** `payload.by` of the deployments this action creates: the deploy queue looks only at them. */
export const PAYLOAD_BY = 'guarded-deploy';

/** A deployment as GitHub lists it, reduced to what the deploy queue reads. */
export interface ListedDeployment {
  readonly id: number;
  readonly sha: string;
  /** `created_at`, epoch ms. */
  readonly createdAtMs: number;
  readonly creator: string | undefined;
  readonly payload: unknown;
}

/** Deployments asked for per page when reading the queue (GitHub's most). */
export const QUEUE_PAGE_SIZE = 100;

/** A deployment this run created. */
export interface Deployment {
  readonly id: number;
  readonly environment: string;
}

export interface StatusDetails {
  /** Where the deployed app answers (on `success`). */
  readonly environmentUrl?: string;
  /** This run's page (`runLogUrl`). */
  readonly logUrl?: string;
  /** Cut to 140 characters. */
  readonly description?: string;
}

/** What the final statuses link to, and what their texts mention. */
export interface OutcomeDetails extends OutcomeFacts {
  readonly logUrl: string;
  readonly environmentUrl?: string;
}

export interface RecordedOutcome {
  /** The earlier deployment made current again by a rollback; undefined when none was found. */
  readonly restoredId: number | undefined;
}

/** The permissions block the deploy job needs once `environment` is set. */
const PERMISSIONS_YAML = '`permissions: { actions: read, contents: read, deployments: write }`';

/** How many earlier deployments a rollback looks through for the one that was live. */
const MAX_RESTORE_CANDIDATES = 10;

/** `production`, `prod` and the like: GitHub then marks the deployment as production. */
export function looksLikeProduction(environment: string): boolean {
  return /^(prod|production)$/i.test(environment.trim());
}

export class GitHubDeployments {
  constructor(
    private readonly octokit: GitHubClient,
    private readonly repo: RepoRef,
    /** Bounds each request (each attempt of a GET). */
    private readonly timeoutMs: number,
  ) {}

  /** Creates the deployment of `input.sha`. A POST: never retried. */
  async createDeployment(input: NewDeployment): Promise<Deployment> {
    const path = `${this.repoPath()}/deployments`;
    const what = `creating a deployment of ${input.sha.slice(0, 7)} to ${input.environment}`;
    const response = await this.write(what, path, (signal) =>
      this.octokit.rest.repos.createDeployment({
        ...this.repo,
        ref: input.sha,
        environment: input.environment,
        auto_merge: false,
        required_contexts: [],
        transient_environment: false,
        production_environment: input.production,
        payload: {
          ...input.extraPayload,
          by: PAYLOAD_BY,
          platform: input.platform,
          app: input.app,
          run_id: input.ticket.runId,
          run_attempt: input.ticket.attempt,
          ...(input.ticket.job === undefined ? {} : { job: input.ticket.job }),
        },
        description: input.description,
        request: { signal },
      }),
    );
    const data: unknown = response.data;
    const id = typeof data === 'object' && data !== null && 'id' in data ? data.id : undefined;
    if (response.status !== 201 || typeof id !== 'number') {
      throw new HttpError(
        'POST',
        path,
        response.status,
        undefined,
        `${what} failed: GitHub answered ${response.status} without a deployment: ` +
          JSON.stringify(data),
      );
    }
    return { id, environment: input.environment };
  }

  /** Posts a status; a `success` makes earlier deployments of the environment inactive. */
  async setStatus(
    deploymentId: number,
    state: DeploymentState,
    details: StatusDetails = {},
  ): Promise<void> {
    const path = `${this.repoPath()}/deployments/${deploymentId}/statuses`;
    await this.write(`setting deployment ${deploymentId} to ${state}`, path, (signal) =>
      this.octokit.rest.repos.createDeploymentStatus({
        ...this.repo,
        deployment_id: deploymentId,
        state,
        ...(details.environmentUrl ? { environment_url: details.environmentUrl } : {}),
        ...(details.logUrl ? { log_url: details.logUrl } : {}),
        ...(details.description === undefined
          ? {}
          : { description: statusDescription(details.description) }),
        ...(state === 'success' ? { auto_inactive: true } : {}),
        request: { signal },
      }),
    );
  }

  /** Posts the final statuses `plannedStatuses` decides for `outcome`. */
  async recordOutcome(
    ours: Deployment,
    outcome: ResultValue,
    details: OutcomeDetails,
  ): Promise<RecordedOutcome> {
    let restoredId: number | undefined;
    for (const planned of plannedStatuses(outcome, details)) {
      const target = planned.deployment === 'ours' ? ours.id : await this.findPrevious(ours);
      if (target === undefined) continue;
      if (planned.deployment === 'previous') restoredId = target;
      await this.setStatus(target, planned.state, {
        ...(planned.withEnvironmentUrl ? { environmentUrl: details.environmentUrl } : {}),
        logUrl: details.logUrl,
        description: planned.description,
      });
    }
    return { restoredId };
  }

  /** The deployment of `environment` that is current (`currentDeployment`), newest first among
   * the last few; undefined when none went live. */
  async findCurrent(environment: string): Promise<number | undefined> {
    for (const id of await this.deploymentIds(environment, MAX_RESTORE_CANDIDATES)) {
      const states = (await this.statesNewestFirst(id, 100)).reverse();
      if (currentDeployment([{ id, states }]) !== undefined) return id;
    }
    return undefined;
  }

  /**
   * The most recent earlier deployment of the environment that was live: its latest status is
   * `success`, or `inactive` because a newer success (ours) replaced it. Failed or abandoned
   * ones are skipped.
   */
  private async findPrevious(ours: Deployment): Promise<number | undefined> {
    // Deployment ids grow with time, so a smaller id is an earlier deployment.
    const earlier = (await this.deploymentIds(ours.environment, 30))
      .filter((id) => id < ours.id)
      .sort((a, b) => b - a)
      .slice(0, MAX_RESTORE_CANDIDATES);
    for (const id of earlier) {
      // Newest first: one is enough.
      const [state] = await this.statesNewestFirst(id, 1);
      if (state === 'success' || state === 'inactive') return id;
    }
    return undefined;
  }

  /** One page of the environment's deployments, newest first as GitHub lists them. */
  listPage(environment: string, page: number): Promise<ListedDeployment[]> {
    return this.listDeployments(environment, QUEUE_PAGE_SIZE, page);
  }

  /** The state of a deployment's latest status; null when it has none yet. */
  async latestState(deploymentId: number): Promise<string | null> {
    const [state] = await this.statesNewestFirst(deploymentId, 1);
    return state ?? null;
  }

  /** The `status` of a workflow run of this repository (`completed`, `in_progress`, …);
   * `gone` when GitHub has no such run (deleted). Needs `actions: read`. */
  async runStatus(runId: number): Promise<string> {
    const path = `${this.repoPath()}/actions/runs/${runId}`;
    try {
      const run = await this.read(`reading workflow run ${runId}`, path, (signal) =>
        this.octokit.rest.actions.getWorkflowRun({
          ...this.repo,
          run_id: runId,
          request: { signal },
        }),
      );
      return run.data.status ?? 'unknown';
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return 'gone';
      throw error;
    }
  }

  private async deploymentIds(environment: string, perPage: number): Promise<number[]> {
    return (await this.listDeployments(environment, perPage)).map((deployment) => deployment.id);
  }

  /** The environment's deployments, newest first: `perPage` of them, from `page` if given. */
  private async listDeployments(
    environment: string,
    perPage: number,
    page?: number,
  ): Promise<ListedDeployment[]> {
    const path = `${this.repoPath()}/deployments`;
    const listed = await this.read(`listing the ${environment} deployments`, path, (signal) =>
      this.octokit.rest.repos.listDeployments({
        ...this.repo,
        environment,
        per_page: perPage,
        ...(page === undefined ? {} : { page }),
        request: { signal },
      }),
    );
    return listed.data.map((deployment) => ({
      id: deployment.id,
      sha: deployment.sha,
      createdAtMs: Date.parse(deployment.created_at),
      creator: deployment.creator?.login,
      payload: deployment.payload,
    }));
  }

  /** The states of a deployment's latest `perPage` statuses, newest first as GitHub lists them. */
  private async statesNewestFirst(deploymentId: number, perPage: number): Promise<string[]> {
    const path = `${this.repoPath()}/deployments/${deploymentId}/statuses`;
    const listed = await this.read(
      `reading the statuses of deployment ${deploymentId}`,
      path,
      (signal) =>
        this.octokit.rest.repos.listDeploymentStatuses({
          ...this.repo,
          deployment_id: deploymentId,
          per_page: perPage,
          request: { signal },
        }),
    );
    return listed.data.map((status) => status.state);
  }

  private repoPath(): string {
    return `/repos/${encodeURIComponent(this.repo.owner)}/${encodeURIComponent(this.repo.repo)}`;
  }

  private read<T>(
    what: string,
    path: string,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    return retryRead(
      () => call(AbortSignal.timeout(this.timeoutMs)),
      (error, attempts) => this.explain(error, what, 'GET', path, attempts),
    );
  }

  private async write<T>(
    what: string,
    path: string,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    try {
      return await call(AbortSignal.timeout(this.timeoutMs));
    } catch (error) {
      throw this.explain(error, what, 'POST', path, 1);
    }
  }

  /** Turns a refusal into a message that says what to change; never includes the token. */
  private explain(
    error: unknown,
    what: string,
    method: 'GET' | 'POST',
    path: string,
    attempts: number,
  ): Error {
    const status = statusOf(error);
    const detail = errorMessage(error);
    const fail = (code: number, message: string): HttpError =>
      new HttpError(method, path, code, undefined, `${what} failed: ${message}`);
    const limited = rateLimitMessage(error, detail);
    if (limited !== undefined && status !== undefined) return fail(status, limited);
    if (status === 403) {
      const accepted = headerOf(error, 'x-accepted-github-permissions');
      const needs = accepted === undefined ? '' : ` (GitHub asks for ${accepted})`;
      return fail(
        403,
        `403 ${detail}${needs}. With \`environment\` set, the github-token must be allowed to ` +
          `write deployments; give the deploy job ${PERMISSIONS_YAML}`,
      );
    }
    if (status === 401) {
      return fail(401, `401 ${detail}. The github-token was refused (expired or not a token)`);
    }
    if (status === 404) {
      const repo = `${this.repo.owner}/${this.repo.repo}`;
      return fail(
        404,
        `404 ${detail}. Not found: is GITHUB_API_URL right, and does the token have access to ` +
          `${repo}?`,
      );
    }
    if (status !== undefined && status < 500) return fail(status, `${status} ${detail}`);
    if (method === 'POST') {
      // The request may have reached GitHub: repeating it could record the step twice.
      return new Error(`${what} failed (not retried, it may have taken effect): ${detail}`);
    }
    return new Error(
      `${what} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${detail}`,
    );
  }
}
