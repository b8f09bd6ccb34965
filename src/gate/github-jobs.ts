// Lists the jobs of this workflow run from the GitHub API, for the test gate: each job as it
// last ran up to this attempt.
//
// "Re-run failed jobs" starts attempt N+1 with only the failed jobs and their dependents, and
// since 2025-05 GitHub's listings for an attempt (`attempts/{n}/jobs`, and `jobs` with the
// default `filter=latest`) return only the jobs that ran in it (r-universe-org/help#607): the
// tests that passed in attempt N are not in attempt N+1's list. `filter=all` "returns all jobs
// for a workflow run, including from old executions" (GitHub REST docs, "List jobs for a
// workflow run"; @octokit/openapi api.github.com.json), each with its `run_attempt`.
import type { getOctokit } from '@actions/github';
import { errorMessage, HttpError } from '../io/errors.js';
import type { JobInfo } from './gate.js';
import { rateLimitMessage, retryRead, statusOf } from './github-retry.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface RunRef {
  owner: string;
  repo: string;
  runId: number;
  attempt: number;
}

function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function toJobInfo(raw: unknown): JobInfo {
  const name = fieldOf(raw, 'name');
  const status = fieldOf(raw, 'status');
  const attempt = fieldOf(raw, 'run_attempt');
  if (typeof name !== 'string' || typeof status !== 'string') {
    throw new Error(`GitHub API returned a job without a name or status: ${JSON.stringify(raw)}`);
  }
  return {
    name,
    status,
    conclusion: stringOrNull(fieldOf(raw, 'conclusion')),
    runnerName: stringOrNull(fieldOf(raw, 'runner_name')),
    htmlUrl: stringOrNull(fieldOf(raw, 'html_url')),
    ...(typeof attempt === 'number' && Number.isInteger(attempt) ? { attempt } : {}),
  };
}

/** Turns a refusal into a message that says what to change; never includes the token. */
function explain(error: unknown, run: RunRef, path: string, attempts: number): Error {
  const status = statusOf(error);
  const what = `listing the jobs of run ${run.runId} (attempt ${run.attempt})`;
  const detail = errorMessage(error);
  const fail = (code: number, message: string): HttpError =>
    new HttpError('GET', path, code, undefined, `${what} failed: ${message}`);
  const limited = rateLimitMessage(error, detail);
  if (limited !== undefined && status !== undefined) return fail(status, limited);
  if (status === 403) {
    return fail(
      403,
      `403 ${detail}. The github-token may not read this run's jobs; ` +
        'give the deploy job `permissions: { actions: read, contents: read }`',
    );
  }
  if (status === 401) {
    return fail(401, `401 ${detail}. The github-token was refused (expired or not a token)`);
  }
  if (status === 404) {
    return fail(
      404,
      `404 ${detail}. Run ${run.runId} attempt ${run.attempt} of ${run.owner}/${run.repo} ` +
        'not found: is GITHUB_API_URL right, and does the token have access to this repository?',
    );
  }
  if (status !== undefined && status < 500) return fail(status, `${status} ${detail}`);
  return new Error(
    `${what} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${detail}`,
  );
}

/** Like a 502: retried as a read, reported as what it is when it keeps happening. */
function unreadable(path: string): Error {
  return Object.assign(
    new Error(`GitHub API answered ${path} without a complete, readable job list`),
    { status: 502 },
  );
}

function jobsPath(run: RunRef): string {
  const repo = `${encodeURIComponent(run.owner)}/${encodeURIComponent(run.repo)}`;
  return `/repos/${repo}/actions/runs/${run.runId}/jobs`;
}

/** Most pages ever read: 5,000 jobs, far beyond a real run (GitHub caps a run at 256 jobs
 * per matrix), so a `next` that loops cannot keep the action reading. */
const MAX_PAGES = 50;
const PER_PAGE = 100;

/** The `rel="next"` target of a `Link` header (RFC 8288), if any. */
export function nextLink(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(',')) {
    const [target = '', ...params] = part.split(';').map((piece) => piece.trim());
    const rel = params.find((param) => /^rel\s*=/i.test(param));
    const relations =
      rel
        ?.replace(/^rel\s*=\s*/i, '')
        .replace(/"/g, '')
        .split(/\s+/) ?? [];
    if (relations.includes('next') && /^<[^>]*>$/.test(target)) return target.slice(1, -1);
  }
  return undefined;
}

/** The next page's URL, only on the API's own origin: the token goes with every request. */
function followable(link: string, apiBase: string): string {
  const origin = new URL(apiBase).origin;
  let target: URL;
  try {
    target = new URL(link, apiBase);
  } catch {
    throw new Error(`GitHub API answered with a next-page link that is not a URL`);
  }
  if (target.origin !== origin) {
    throw new Error(
      `GitHub API pointed the next page of the job list at ${target.origin}, not at ` +
        `GITHUB_API_URL's ${origin}: not following it (the github-token would go there)`,
    );
  }
  return target.href;
}

async function listOnce(
  octokit: GitHubClient,
  path: string,
  timeoutMs: number,
): Promise<JobInfo[]> {
  // One deadline for every page of this listing.
  const signal = AbortSignal.timeout(timeoutMs);
  const apiBase = String(octokit.request.endpoint.DEFAULTS.baseUrl);
  let url = `${path}?filter=all&per_page=${PER_PAGE}`;
  const jobs: unknown[] = [];
  let total: number | undefined;
  for (let pages = 1; ; pages += 1) {
    let response: Awaited<ReturnType<GitHubClient['request']>>;
    try {
      response = await octokit.request({ method: 'GET', url, request: { signal } });
    } catch (error) {
      // octokit trips over a body that is not JSON with a plain TypeError.
      if (statusOf(error) === undefined) throw unreadable(path);
      throw error;
    }
    const data: unknown = response.data;
    const pageJobs = fieldOf(data, 'jobs');
    const pageTotal = fieldOf(data, 'total_count');
    // A cut or garbled body must not read as "no jobs": that would refuse for the wrong reason.
    if (!Array.isArray(pageJobs) || typeof pageTotal !== 'number') throw unreadable(path);
    total ??= pageTotal;
    jobs.push(...(pageJobs as unknown[]));
    const next = nextLink(response.headers.link);
    if (next === undefined || jobs.length >= total) break;
    if (pages >= Math.min(MAX_PAGES, Math.ceil(total / PER_PAGE) + 1)) break;
    url = followable(next, apiBase);
  }
  if (total === undefined || jobs.length < total) throw unreadable(path);
  return jobs.map(toJobInfo);
}

/** Each job as it last ran up to `attempt`: the executions of the highest attempt that ran a
 * job of that name (a matrix leg keeps its own name). A listing without `run_attempt` counts
 * as attempt 1, so nothing is dropped. */
export function latestExecutions(jobs: readonly JobInfo[], attempt: number): JobInfo[] {
  const attemptOf = (job: JobInfo): number => job.attempt ?? 1;
  const upTo = jobs.filter((job) => attemptOf(job) <= attempt);
  const latest = new Map<string, number>();
  for (const job of upTo) latest.set(job.name, Math.max(latest.get(job.name) ?? 0, attemptOf(job)));
  return upTo.filter((job) => attemptOf(job) === latest.get(job.name));
}

/** The jobs of the run as they last ran up to this attempt (every page). Each attempt at the
 * listing is bounded by `timeoutMs`; network errors and 5xx are retried twice. */
export async function listRunJobs(
  octokit: GitHubClient,
  run: RunRef,
  timeoutMs: number,
): Promise<JobInfo[]> {
  const path = jobsPath(run);
  const jobs = await retryRead(
    () => listOnce(octokit, path, timeoutMs),
    (error, attempts) => explain(error, run, path, attempts),
  );
  return latestExecutions(jobs, run.attempt);
}
