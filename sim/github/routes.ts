// The REST operations the GitHub simulator serves, each as a handler over the stores.
import { deploymentJson, statusJson } from './deployments.js';
import type { Deployments, DeploymentState } from './deployments.js';
import { notFound, validationFailed } from './errors.js';
import type { SimResponse } from './errors.js';
import { paginate } from './pagination.js';
import { jobJson } from './workflow-jobs.js';
import type { WorkflowJobs } from './workflow-jobs.js';
import { workflowRunJson } from './workflow-runs.js';

export type Permission = 'actions' | 'deployments';

export interface RouteContext {
  readonly baseUrl: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  /** Path and query parameters, already checked and coerced against the contract. */
  readonly params: Readonly<Record<string, unknown>>;
  /** JSON body, already checked against the contract. */
  readonly body: unknown;
  readonly docsUrl: string;
}

export interface Route {
  readonly method: 'GET' | 'POST';
  /** Path template exactly as in GitHub's OpenAPI description. */
  readonly template: string;
  /** The GITHUB_TOKEN permission GitHub requires, reported in x-accepted-github-permissions. */
  readonly permission: Permission;
  readonly access: 'read' | 'write';
  handle(ctx: RouteContext): SimResponse;
}

const MAX_STATUS_DESCRIPTION = 140;

export function githubRoutes(jobs: WorkflowJobs, deployments: Deployments): Route[] {
  const jobsPage = (ctx: RouteContext, found: ReturnType<WorkflowJobs['attempt']>) => {
    if (!found) return notFound(ctx.docsUrl);
    const page = paginate(found, ctx, ctx.params.per_page, ctx.params.page);
    return {
      status: 200,
      body: {
        total_count: found.length,
        jobs: page.items.map((j) => jobJson(j, ctx.baseUrl)),
      },
      ...(page.link ? { headers: { link: page.link } } : {}),
    };
  };

  return [
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs',
      permission: 'actions',
      access: 'read',
      handle: (ctx) => {
        const { owner, repo } = repoOf(ctx);
        const runId = int(ctx, 'run_id');
        return jobsPage(ctx, jobs.attempt(owner, repo, runId, int(ctx, 'attempt_number')));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
      permission: 'actions',
      access: 'read',
      handle: (ctx) => {
        const { owner, repo } = repoOf(ctx);
        const all = ctx.params.filter === 'all';
        return jobsPage(ctx, jobs.run(owner, repo, int(ctx, 'run_id'), all));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/actions/runs/{run_id}',
      permission: 'actions',
      access: 'read',
      handle: (ctx) => {
        const { owner, repo } = repoOf(ctx);
        const run = jobs.latestRun(owner, repo, int(ctx, 'run_id'));
        if (!run) return notFound(ctx.docsUrl);
        return { status: 200, body: workflowRunJson(run, ctx.baseUrl) };
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/deployments',
      permission: 'deployments',
      access: 'write',
      handle: (ctx) => {
        const { owner, repo } = repoOf(ctx);
        const body = record(ctx.body);
        const created = deployments.create(owner, repo, {
          ref: String(body.ref),
          task: optionalString(body.task),
          payload: body.payload,
          environment: optionalString(body.environment),
          description: typeof body.description === 'string' ? body.description : null,
          transientEnvironment: optionalBoolean(body.transient_environment),
          productionEnvironment: optionalBoolean(body.production_environment),
        });
        return { status: 201, body: deploymentJson(created, ctx.baseUrl) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/deployments',
      permission: 'deployments',
      access: 'read',
      handle: (ctx) => {
        const { owner, repo } = repoOf(ctx);
        // "none", the documented default, means no filter.
        const filter = (name: string) => {
          const value = ctx.params[name];
          return typeof value === 'string' && value !== 'none' ? value : undefined;
        };
        const found = deployments.list(owner, repo, {
          sha: filter('sha'),
          ref: filter('ref'),
          task: filter('task'),
          environment: filter('environment'),
        });
        const page = paginate(found, ctx, ctx.params.per_page, ctx.params.page);
        return {
          status: 200,
          body: page.items.map((d) => deploymentJson(d, ctx.baseUrl)),
          ...(page.link ? { headers: { link: page.link } } : {}),
        };
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      permission: 'deployments',
      access: 'write',
      handle: (ctx) => {
        const { owner, repo } = repoOf(ctx);
        const deployment = deployments.get(owner, repo, int(ctx, 'deployment_id'));
        if (!deployment) return notFound(ctx.docsUrl);
        const body = record(ctx.body);
        const description = optionalString(body.description);
        if (description !== undefined && description.length > MAX_STATUS_DESCRIPTION) {
          return validationFailed(ctx.docsUrl, [
            {
              resource: 'DeploymentStatus',
              field: 'description',
              code: 'custom',
              message: `description is too long (maximum is ${MAX_STATUS_DESCRIPTION} characters)`,
            },
          ]);
        }
        const status = deployments.addStatus(deployment, {
          state: body.state as DeploymentState,
          description,
          environment: optionalString(body.environment),
          targetUrl: optionalString(body.target_url),
          logUrl: optionalString(body.log_url),
          environmentUrl: optionalString(body.environment_url),
          autoInactive: optionalBoolean(body.auto_inactive),
        });
        return { status: 201, body: statusJson(deployment, status, ctx.baseUrl) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      permission: 'deployments',
      access: 'read',
      handle: (ctx) => {
        const { owner, repo } = repoOf(ctx);
        const deployment = deployments.get(owner, repo, int(ctx, 'deployment_id'));
        if (!deployment) return notFound(ctx.docsUrl);
        const newestFirst = [...deployment.statuses].reverse();
        const page = paginate(newestFirst, ctx, ctx.params.per_page, ctx.params.page);
        return {
          status: 200,
          body: page.items.map((s) => statusJson(deployment, s, ctx.baseUrl)),
          ...(page.link ? { headers: { link: page.link } } : {}),
        };
      },
    },
  ];
}

function repoOf(ctx: RouteContext): { owner: string; repo: string } {
  return { owner: String(ctx.params.owner), repo: String(ctx.params.repo) };
}

function int(ctx: RouteContext, name: string): number {
  const value = ctx.params[name];
  if (typeof value !== 'number') throw new Error(`path parameter ${name} was not checked`);
  return value;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function optionalBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}
