// The GitHub simulator's workflow-jobs endpoints, auth, rate limit and faults, over real HTTP
// with the same client the action uses.
import { getOctokit } from '@actions/github';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simulatedHeadSha, startGitHubSim } from '../../sim/github/index.js';
import type { GitHubSimHandle } from '../../sim/github/index.js';
import type { RunKey, SimJob } from '../../sim/types.js';

const TOKEN = 'ghs_sim_token';
const run: RunKey = { owner: 'acme', repo: 'shop', runId: 4242, attempt: 1 };
const attemptPath = (r: RunKey) =>
  `/repos/${r.owner}/${r.repo}/actions/runs/${r.runId}/attempts/${r.attempt}/jobs`;

let sim: GitHubSimHandle;
beforeEach(async () => {
  sim = await startGitHubSim({ token: TOKEN });
});
afterEach(async () => {
  await sim.stop();
});

function client(token = TOKEN) {
  return getOctokit(token, { baseUrl: sim.url });
}

/** `token: null` sends no Authorization header. */
function get(path: string, token: string | null = TOKEN): Promise<Response> {
  return fetch(`${sim.url}${path}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

describe('workflow jobs', () => {
  it('pages 250 jobs in three pages that octokit.paginate follows by Link', async () => {
    const jobs: SimJob[] = Array.from({ length: 250 }, (_, i) => ({
      name: `test (${i})`,
      status: 'completed',
      conclusion: i === 249 ? 'failure' : 'success',
    }));
    sim.control.setJobs(run, jobs);

    const listed = await client().paginate(client().rest.actions.listJobsForWorkflowRunAttempt, {
      owner: run.owner,
      repo: run.repo,
      run_id: run.runId,
      attempt_number: run.attempt,
      per_page: 100,
    });

    expect(listed.map((j) => j.name)).toEqual(jobs.map((j) => j.name));
    expect(listed.at(-1)?.conclusion).toBe('failure');
    expect(new Set(listed.map((j) => j.id)).size).toBe(250);
    const pages = sim.requests.filter((r) => r.path.startsWith(attemptPath(run)));
    expect(pages.map((r) => new URL(r.path, sim.url).searchParams.get('page'))).toEqual([
      null,
      '2',
      '3',
    ]);
    expect(pages.every((r) => r.status === 200)).toBe(true);
    expect(sim.violations).toEqual([]);
  });

  it('writes Link relations like GitHub and reports the total count', async () => {
    sim.control.setJobs(
      run,
      Array.from({ length: 7 }, (_, i) => ({
        name: `j${i}`,
        status: 'queued' as const,
        conclusion: null,
      })),
    );
    const middle = await get(`${attemptPath(run)}?per_page=3&page=2`);
    const link = middle.headers.get('link') ?? '';
    const base = `${sim.url}${attemptPath(run)}?per_page=3&page=`;
    expect(link).toBe(
      `<${base}1>; rel="prev", <${base}3>; rel="next", <${base}3>; rel="last", ` +
        `<${base}1>; rel="first"`,
    );
    const body = (await middle.json()) as { total_count: number; jobs: Array<{ name: string }> };
    expect(body.total_count).toBe(7);
    expect(body.jobs.map((j) => j.name)).toEqual(['j3', 'j4', 'j5']);

    const single = await get(`${attemptPath(run)}?per_page=100`);
    expect(single.headers.get('link')).toBeNull();
    expect(sim.violations).toEqual([]);
  });

  it('answers full job objects with the state the test set', async () => {
    sim.control.setJobs(run, [
      { name: 'test', status: 'completed', conclusion: 'success' },
      { name: 'deploy', status: 'in_progress', conclusion: null, runnerName: 'GitHub Actions 7' },
      { name: 'later', status: 'queued', conclusion: null },
    ]);
    const { data } = await client().rest.actions.listJobsForWorkflowRunAttempt({
      owner: run.owner,
      repo: run.repo,
      run_id: run.runId,
      attempt_number: run.attempt,
    });
    const [test, deploy, later] = data.jobs;
    expect(test).toMatchObject({
      run_id: run.runId,
      run_attempt: 1,
      head_sha: simulatedHeadSha(run),
      status: 'completed',
      conclusion: 'success',
      workflow_name: 'CI',
    });
    expect(test?.completed_at).not.toBeNull();
    expect(test?.steps?.map((s) => s.conclusion)).toEqual(['success', 'success', 'success']);
    expect(deploy).toMatchObject({
      status: 'in_progress',
      conclusion: null,
      runner_name: 'GitHub Actions 7',
      completed_at: null,
    });
    expect(later).toMatchObject({ status: 'queued', runner_name: null, runner_id: null });
    expect(test?.url).toBe(`${sim.url}/repos/acme/shop/actions/jobs/${test?.id}`);
    expect(sim.violations).toEqual([]);
  });

  it('lists the latest attempt, or every attempt with filter=all', async () => {
    sim.control.setJobs(run, [{ name: 'test', status: 'completed', conclusion: 'failure' }]);
    sim.control.setJobs({ ...run, attempt: 2 }, [
      { name: 'test', status: 'completed', conclusion: 'success' },
    ]);
    const path = `/repos/${run.owner}/${run.repo}/actions/runs/${run.runId}/jobs`;
    type Listing = { jobs: Array<{ conclusion: string; run_attempt: number }> };
    const latest = (await (await get(path)).json()) as Listing;
    expect(latest.jobs.map((j) => [j.run_attempt, j.conclusion])).toEqual([[2, 'success']]);
    const all = (await (await get(`${path}?filter=all`)).json()) as Listing;
    expect(all.jobs.map((j) => [j.run_attempt, j.conclusion])).toEqual([
      [1, 'failure'],
      [2, 'success'],
    ]);
    const first = (await (await get(attemptPath(run))).json()) as Listing;
    expect(first.jobs.map((j) => j.conclusion)).toEqual(['failure']);
    expect(sim.violations).toEqual([]);
  });

  it("answers a workflow run whose status is its latest attempt's", async () => {
    const runPath = `/repos/${run.owner}/${run.repo}/actions/runs/${run.runId}`;
    type Run = { id: number; status: string; conclusion: string | null; run_attempt: number };
    const read = async (): Promise<Run> => (await (await get(runPath)).json()) as Run;
    sim.control.setJobs(run, [
      { name: 'test', status: 'completed', conclusion: 'success' },
      { name: 'deploy', status: 'in_progress', conclusion: null },
    ]);
    expect(await read()).toMatchObject({ id: run.runId, status: 'in_progress', conclusion: null });
    sim.control.setJobs(run, [{ name: 'test', status: 'completed', conclusion: 'failure' }]);
    expect(await read()).toMatchObject({ status: 'completed', conclusion: 'failure' });
    // A re-run: attempt 2 runs, so the run is in progress again.
    sim.control.setJobs({ ...run, attempt: 2 }, [
      { name: 'test', status: 'queued', conclusion: null },
    ]);
    expect(await read()).toMatchObject({ status: 'queued', run_attempt: 2 });
    expect((await get(`/repos/${run.owner}/${run.repo}/actions/runs/1`)).status).toBe(404);
    expect(sim.violations).toEqual([]);
  });

  it('answers 404 for an unknown run or attempt, with GitHub error fields', async () => {
    sim.control.setJobs(run, []);
    for (const path of [
      attemptPath({ ...run, runId: 1 }),
      attemptPath({ ...run, attempt: 3 }),
      `/repos/acme/other/actions/runs/${run.runId}/jobs`,
    ]) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({
        message: 'Not Found',
        documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com\//) as string,
        status: '404',
      });
    }
    expect((await get(attemptPath(run))).status).toBe(200);
    expect(sim.violations).toEqual([]);
  });
});

describe('auth and permissions', () => {
  it('answers 401 Bad credentials for a wrong or missing token', async () => {
    sim.control.setJobs(run, []);
    await expect(
      client('ghs_wrong').rest.actions.listJobsForWorkflowRunAttempt({
        owner: run.owner,
        repo: run.repo,
        run_id: run.runId,
        attempt_number: run.attempt,
      }),
    ).rejects.toMatchObject({ status: 401 });
    const missing = await get(attemptPath(run), null);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ message: 'Bad credentials', status: '401' });
    const legacy = await fetch(`${sim.url}${attemptPath(run)}`, {
      headers: { authorization: `token ${TOKEN}` },
    });
    expect(legacy.status).toBe(200);
  });

  it('answers 403 naming the permission once actions is denied', async () => {
    sim.control.setJobs(run, []);
    sim.control.denyPermission('actions');
    const res = await get(attemptPath(run));
    expect(res.status).toBe(403);
    expect(res.headers.get('x-accepted-github-permissions')).toBe('actions=read');
    expect(await res.json()).toMatchObject({
      message: 'Resource not accessible by integration',
      status: '403',
    });
    // Other permissions are untouched.
    expect((await get('/repos/acme/shop/deployments')).status).toBe(200);
  });

  it('sends rate-limit headers that count requests', async () => {
    sim.control.setJobs(run, []);
    const first = await get(attemptPath(run));
    const second = await get(attemptPath(run));
    expect(first.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(first.headers.get('x-ratelimit-resource')).toBe('core');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBe(
      Number(first.headers.get('x-ratelimit-remaining')) - 1,
    );
  });
});

describe('contract checks', () => {
  it('refuses a query parameter of the wrong type with 422 and a violation', async () => {
    sim.control.setJobs(run, []);
    const res = await get(`${attemptPath(run)}?per_page=lots`);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { message: string; status: string };
    expect(body.message).toMatch(/^Invalid request\.\n\n.*per_page/s);
    expect(body.status).toBe('422');
    expect(sim.violations).toHaveLength(1);
    expect(sim.violations[0]).toMatch(/list-jobs-for-workflow-run-attempt.*per_page/);
  });

  it('flags a path GitHub does not have, but not one it has and the sim does not serve', async () => {
    expect((await get('/repos/acme/shop/actions/runs/1/jobz')).status).toBe(404);
    expect(sim.violations).toEqual([
      expect.stringMatching(/GET \/repos\/acme\/shop\/actions\/runs\/1\/jobz.*no such operation/),
    ]);
    expect((await get('/repos/acme/shop/actions/runs/1')).status).toBe(404);
    expect(sim.violations).toHaveLength(1);
  });
});

describe('faults', () => {
  it('answers an injected 500 for the given number of times, then normally', async () => {
    sim.control.setJobs(run, []);
    sim.control.inject({
      method: 'GET',
      path: /\/jobs$/,
      status: 500,
      times: 2,
      body: { message: 'Server Error' },
    });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await get(attemptPath(run))).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect(sim.requests.map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('cuts the connection on reset and records status 0', async () => {
    sim.control.setJobs(run, []);
    sim.control.inject({ method: 'GET', path: /\/jobs$/, reset: true });
    await expect(get(attemptPath(run))).rejects.toThrow();
    expect((await get(attemptPath(run))).status).toBe(200);
    expect(sim.requests.map((r) => r.status)).toEqual([0, 200]);
  });

  it('delays, then handles normally, and clear() disarms faults', async () => {
    sim.control.setJobs(run, []);
    sim.control.inject({ method: 'GET', path: /\/jobs$/, delayMs: 150 });
    const started = Date.now();
    expect((await get(attemptPath(run))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    sim.control.inject({ method: 'GET', path: /\/jobs$/, status: 502, times: 5 });
    sim.control.clear();
    expect((await get(attemptPath(run))).status).toBe(200);
  });

  it('tells onRequest about every request with its final status', async () => {
    const seen: Array<[string, number]> = [];
    const own = await startGitHubSim({
      token: TOKEN,
      onRequest: (r) => seen.push([r.method, r.status]),
    });
    try {
      await fetch(`${own.url}/repos/a/b/actions/runs/1/jobs`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(seen).toEqual([['GET', 404]]);
      expect(own.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    } finally {
      await own.stop();
    }
  });
});
