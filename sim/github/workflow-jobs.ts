// The workflow runs a test declared (RunKey → jobs per attempt) and their REST `job` objects.
import { createHash } from 'node:crypto';
import type { RunKey, SimJob } from '../types.js';
import { iso, nodeId } from './format.js';
import type { RunFacts } from './workflow-runs.js';

interface StoredJob {
  readonly id: number;
  readonly run: RunKey;
  readonly job: SimJob;
  readonly createdAt: number;
}

// Hosted-runner style ids, far from anything a test would type by hand.
const FIRST_JOB_ID = 20_000_000_001;
const WORKFLOW_NAME = 'CI';
const HEAD_BRANCH = 'main';

/** The commit a simulated run ran on: stable per run, so tests can predict it. */
export function simulatedHeadSha(run: Pick<RunKey, 'owner' | 'repo' | 'runId'>): string {
  const key = `${run.owner.toLowerCase()}/${run.repo.toLowerCase()}/runs/${run.runId}`;
  return createHash('sha1').update(key).digest('hex');
}

export class WorkflowJobs {
  /** Key `owner/repo/runId` (lower case, like GitHub's lookups) → attempt → jobs. */
  private readonly runs = new Map<string, Map<number, StoredJob[]>>();
  private nextId = FIRST_JOB_ID;

  set(run: RunKey, jobs: readonly SimJob[], now = Date.now()): void {
    const key = runKey(run.owner, run.repo, run.runId);
    const attempts = this.runs.get(key) ?? new Map<number, StoredJob[]>();
    attempts.set(
      run.attempt,
      jobs.map((job) => ({ id: this.nextId++, run: { ...run }, job: { ...job }, createdAt: now })),
    );
    this.runs.set(key, attempts);
  }

  // Re-runs: "Re-run failed jobs" starts attempt N+1 with only the failed jobs and their
  // dependents. Since 2025-05 GitHub lists for an attempt only the jobs that ran in it
  // (r-universe-org/help#607), so a test sets each attempt's jobs as they ran in it, and
  // nothing of an earlier attempt shows in a later attempt's listing.

  /** The run as its latest attempt stands (`actions/runs/{id}`); undefined when unknown. */
  latestRun(owner: string, repo: string, runId: number): RunFacts | undefined {
    const attempts = this.runs.get(runKey(owner, repo, runId));
    if (!attempts || attempts.size === 0) return undefined;
    const attempt = Math.max(...attempts.keys());
    const jobs = attempts.get(attempt) ?? [];
    const createdAt = Math.min(...jobs.map((job) => job.createdAt), Date.now());
    return { owner, repo, runId, attempt, jobs: jobs.map((stored) => stored.job), createdAt };
  }

  /** Jobs that ran in one attempt (`attempts/{n}/jobs`); undefined when the run or the
   * attempt is unknown. */
  attempt(owner: string, repo: string, runId: number, attempt: number): StoredJob[] | undefined {
    return this.runs.get(runKey(owner, repo, runId))?.get(attempt);
  }

  /** `runs/{id}/jobs`: `filter=latest` (the default) "returns jobs from the most recent
   * execution of the workflow run", i.e. those of the latest attempt; `filter=all` "returns
   * all jobs for a workflow run, including from old executions", each with its run_attempt
   * (GitHub REST docs and @octokit/openapi, "List jobs for a workflow run"). Undefined for an
   * unknown run. */
  run(owner: string, repo: string, runId: number, all: boolean): StoredJob[] | undefined {
    const attempts = this.runs.get(runKey(owner, repo, runId));
    if (!attempts || attempts.size === 0) return undefined;
    const ordered = [...attempts.entries()].sort(([a], [b]) => a - b).map(([, jobs]) => jobs);
    return all ? ordered.flat() : ordered[ordered.length - 1];
  }
}

/** The REST `job` object for a stored job, with API URLs under `baseUrl`. */
export function jobJson(stored: StoredJob, baseUrl: string): Record<string, unknown> {
  const { id, run, job } = stored;
  const repoPath = `${run.owner}/${run.repo}`;
  const runUrl = `${baseUrl}/repos/${repoPath}/actions/runs/${run.runId}`;
  const times = timeline(job, stored.createdAt);
  const assigned = job.status === 'in_progress' || job.status === 'completed';
  const runnerId = assigned ? 1000 + (id % 1000) : null;
  return {
    id,
    run_id: run.runId,
    run_url: runUrl,
    run_attempt: run.attempt,
    node_id: nodeId('CR', id),
    head_sha: simulatedHeadSha(run),
    url: `${baseUrl}/repos/${repoPath}/actions/jobs/${id}`,
    html_url: `https://github.com/${repoPath}/actions/runs/${run.runId}/job/${id}`,
    status: job.status,
    conclusion: job.status === 'completed' ? job.conclusion : null,
    created_at: iso(times.created),
    started_at: iso(times.started),
    completed_at: times.completed === null ? null : iso(times.completed),
    name: job.name,
    steps: steps(job, times),
    check_run_url: `${baseUrl}/repos/${repoPath}/check-runs/${id}`,
    labels: ['ubuntu-latest'],
    runner_id: runnerId,
    runner_name: assigned ? (job.runnerName ?? `GitHub Actions ${runnerId}`) : null,
    // GitHub-hosted runners report runner group 0 "GitHub Actions".
    runner_group_id: assigned ? 0 : null,
    runner_group_name: assigned ? 'GitHub Actions' : null,
    workflow_name: WORKFLOW_NAME,
    head_branch: HEAD_BRANCH,
  };
}

interface Timeline {
  readonly created: number;
  readonly started: number;
  readonly completed: number | null;
}

// Times relative to setJobs: a finished job started and ended in the past, a waiting one
// has a start equal to its creation (what GitHub reports before a runner picks it up).
function timeline(job: SimJob, setAt: number): Timeline {
  switch (job.status) {
    case 'completed':
      return { created: setAt - 120_000, started: setAt - 110_000, completed: setAt - 5_000 };
    case 'in_progress':
      return { created: setAt - 60_000, started: setAt - 50_000, completed: null };
    default:
      return { created: setAt, started: setAt, completed: null };
  }
}

function steps(job: SimJob, times: Timeline): Array<Record<string, unknown>> {
  if (job.status === 'queued' || job.status === 'waiting' || job.conclusion === 'skipped') {
    return [];
  }
  const done = (name: string, number: number, conclusion: string | null) => ({
    name,
    status: 'completed',
    conclusion,
    number,
    started_at: iso(times.started),
    completed_at: iso(times.completed ?? times.started),
  });
  if (job.status === 'in_progress') {
    return [
      done('Set up job', 1, 'success'),
      {
        name: `Run ${job.name}`,
        status: 'in_progress',
        conclusion: null,
        number: 2,
        started_at: iso(times.started),
        completed_at: null,
      },
    ];
  }
  return [
    done('Set up job', 1, 'success'),
    done(`Run ${job.name}`, 2, job.conclusion),
    done('Complete job', 3, 'success'),
  ];
}

function runKey(owner: string, repo: string, runId: number): string {
  return `${owner.toLowerCase()}/${repo.toLowerCase()}/${runId}`;
}
