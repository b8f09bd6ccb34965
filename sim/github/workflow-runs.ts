// The REST `workflow-run` object of "Get a workflow run" (GET /repos/{o}/{r}/actions/runs/{id},
// GitHub REST docs; schema `workflow-run` of @octokit/openapi), built from the jobs a test set.
import { iso, nodeId, userLinks } from './format.js';
import { simulatedHeadSha } from './workflow-jobs.js';

/** A run as its latest attempt's jobs make it: `run_attempt` is the latest ("1 for first
 * attempt and higher if the workflow was re-run"), and a re-run runs again until it ends. */
export interface RunFacts {
  readonly owner: string;
  readonly repo: string;
  readonly runId: number;
  readonly attempt: number;
  /** Every job of the latest attempt. */
  readonly jobs: ReadonlyArray<{ readonly status: string; readonly conclusion: string | null }>;
  readonly createdAt: number;
}

/** `completed` once every job of the latest attempt is; `queued` before any started. */
export function runStatus(jobs: RunFacts['jobs']): 'queued' | 'in_progress' | 'completed' {
  if (jobs.every((job) => job.status === 'completed')) return 'completed';
  if (jobs.every((job) => job.status === 'queued' || job.status === 'waiting')) return 'queued';
  return 'in_progress';
}

function runConclusion(jobs: RunFacts['jobs']): string {
  const failed = ['failure', 'cancelled', 'timed_out'];
  return jobs.find((job) => failed.includes(job.conclusion ?? ''))?.conclusion ?? 'success';
}

/** The URL fields of a `minimal-repository`, as api.github.com spells them. */
const REPO_URLS: Readonly<Record<string, string>> = {
  archive_url: '/{archive_format}{/ref}',
  assignees_url: '/assignees{/user}',
  blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}',
  collaborators_url: '/collaborators{/collaborator}',
  comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}',
  compare_url: '/compare/{base}...{head}',
  contents_url: '/contents/{+path}',
  contributors_url: '/contributors',
  deployments_url: '/deployments',
  downloads_url: '/downloads',
  events_url: '/events',
  forks_url: '/forks',
  git_commits_url: '/git/commits{/sha}',
  git_refs_url: '/git/refs{/sha}',
  git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks',
  issue_comment_url: '/issues/comments{/number}',
  issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}',
  keys_url: '/keys{/key_id}',
  labels_url: '/labels{/name}',
  languages_url: '/languages',
  merges_url: '/merges',
  milestones_url: '/milestones{/number}',
  notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}',
  releases_url: '/releases{/id}',
  stargazers_url: '/stargazers',
  statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers',
  subscription_url: '/subscription',
  tags_url: '/tags',
  teams_url: '/teams',
  trees_url: '/git/trees{/sha}',
};

function ownerJson(login: string, baseUrl: string): Record<string, unknown> {
  const user = `${baseUrl}/users/${login}`;
  return {
    login,
    id: 1,
    node_id: nodeId('O', 1),
    avatar_url: 'https://avatars.githubusercontent.com/u/1?v=4',
    gravatar_id: '',
    ...userLinks(user),
    html_url: `https://github.com/${login}`,
    type: 'Organization',
    site_admin: false,
  };
}

function repositoryJson(owner: string, repo: string, baseUrl: string): Record<string, unknown> {
  const url = `${baseUrl}/repos/${owner}/${repo}`;
  const urls = Object.fromEntries(
    Object.entries(REPO_URLS).map(([name, suffix]) => [name, `${url}${suffix}`]),
  );
  return {
    id: 1296269,
    node_id: nodeId('R', 1296269),
    name: repo,
    full_name: `${owner}/${repo}`,
    owner: ownerJson(owner, baseUrl),
    private: true,
    html_url: `https://github.com/${owner}/${repo}`,
    description: null,
    fork: false,
    url,
    ...urls,
  };
}

export function workflowRunJson(run: RunFacts, baseUrl: string): Record<string, unknown> {
  const url = `${baseUrl}/repos/${run.owner}/${run.repo}/actions/runs/${run.runId}`;
  const status = runStatus(run.jobs);
  const sha = simulatedHeadSha(run);
  const repository = repositoryJson(run.owner, run.repo, baseUrl);
  return {
    id: run.runId,
    name: 'CI',
    node_id: nodeId('WFR', run.runId),
    head_branch: 'main',
    head_sha: sha,
    path: '.github/workflows/ci.yml',
    display_title: 'CI',
    run_number: run.runId,
    run_attempt: run.attempt,
    event: 'push',
    status,
    conclusion: status === 'completed' ? runConclusion(run.jobs) : null,
    workflow_id: 161335,
    url,
    html_url: `https://github.com/${run.owner}/${run.repo}/actions/runs/${run.runId}`,
    pull_requests: [],
    created_at: iso(run.createdAt),
    updated_at: iso(run.createdAt),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${baseUrl}/repos/${run.owner}/${run.repo}/check-suites/${run.runId}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    workflow_url: `${baseUrl}/repos/${run.owner}/${run.repo}/actions/workflows/161335`,
    head_commit: null,
    repository,
    head_repository: repository,
  };
}
