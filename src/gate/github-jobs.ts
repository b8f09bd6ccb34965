// Lists the jobs of this workflow run attempt from the GitHub API, for the test gate.
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
  if (typeof name !== 'string' || typeof status !== 'string') {
    throw new Error(`GitHub API returned a job without a name or status: ${JSON.stringify(raw)}`);
  }
  return {
    name,
    status,
    conclusion: stringOrNull(fieldOf(raw, 'conclusion')),
    runnerName: stringOrNull(fieldOf(raw, 'runner_name')),
    htmlUrl: stringOrNull(fieldOf(raw, 'html_url')),
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
  return `/repos/${repo}/actions/runs/${run.runId}/attempts/${run.attempt}/jobs`;
}

async function listOnce(
  octokit: GitHubClient,
  path: string,
  timeoutMs: number,
): Promise<JobInfo[]> {
  // paginate() sends only method, url and headers with the request for each further page, so
  // `request.signal` given as a parameter would bound page 1 alone. As a default of the request
  // function it reaches every page; the path is filled in up front so no route parameter is
  // appended again to the `Link` URLs of later pages.
  const timedRequest = octokit.request.defaults({
    method: 'GET',
    url: `${path}?per_page=100`,
    request: { signal: AbortSignal.timeout(timeoutMs) },
  });
  const jobs: unknown[] = [];
  let expected: number | undefined;
  try {
    for await (const page of octokit.paginate.iterator(timedRequest)) {
      const data: unknown = page.data;
      // A cut or garbled body must not read as "no jobs": that would refuse for the wrong
      // reason.
      if (!Array.isArray(data)) throw unreadable(path);
      const total: unknown = (data as { total_count?: unknown }).total_count;
      if (typeof total === 'number') expected ??= total;
      jobs.push(...(data as unknown[]));
    }
  } catch (error) {
    // octokit's paging trips over a body that is not JSON with a plain TypeError.
    if (statusOf(error) === undefined) throw unreadable(path);
    throw error;
  }
  if (expected === undefined || jobs.length < expected) throw unreadable(path);
  return jobs.map(toJobInfo);
}

/** All jobs of the run attempt (every page). Each attempt at the listing is bounded by
 * `timeoutMs`; network errors and 5xx are retried twice. */
export async function listRunJobs(
  octokit: GitHubClient,
  run: RunRef,
  timeoutMs: number,
): Promise<JobInfo[]> {
  const path = jobsPath(run);
  return retryRead(
    () => listOnce(octokit, path, timeoutMs),
    (error, attempts) => explain(error, run, path, attempts),
  );
}
