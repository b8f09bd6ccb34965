// The deploy queue end to end on Heroku: two deploy jobs of one app, in two workflow runs,
// STARTED TOGETHER with `environment` set. GitHub's deployment ids order them: exactly one
// pushes first, the other is refused naming its deployment (lock-wait 0) or waits for its
// outcome and pushes after it (lock-wait > 0). An earlier deployment whose job is gone (its
// run completed, or an earlier attempt of this run) does not hold the app.
import { getOctokit } from '@actions/github';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../sim/runner.js';
import { GITHUB_TOKEN, RUNNER_NAME, type Scenario } from '../../sim/scenario.js';
import type { SimJob } from '../../sim/types.js';
import { expectReported, herokuCalls } from '../helpers/assert-run.js';
import { useScenarios } from '../helpers/scenario-hooks.js';

const scenarios = useScenarios();
const ENVIRONMENT = 'production';

const RUNNING: readonly SimJob[] = [
  { name: 'test', status: 'completed', conclusion: 'success' },
  { name: 'deploy', status: 'in_progress', conclusion: null, runnerName: RUNNER_NAME },
];
const FINISHED: readonly SimJob[] = [
  { name: 'test', status: 'completed', conclusion: 'success' },
  { name: 'deploy', status: 'completed', conclusion: 'failure', runnerName: RUNNER_NAME },
];

/** A deploy job of `runId` (a workflow run of its own, its jobs set) on `sha`. */
function job(
  scenario: Scenario,
  runId: number,
  sha: string,
  inputs: Readonly<Record<string, string>>,
  attempt = 1,
): Promise<RunResult> {
  scenario.sim.github.setJobs({ ...scenario.run, runId, attempt }, RUNNING);
  return scenario.act(
    { environment: ENVIRONMENT, ...inputs },
    {
      extraEnv: {
        GITHUB_RUN_ID: String(runId),
        GITHUB_RUN_ATTEMPT: String(attempt),
        GITHUB_SHA: sha,
      },
    },
  );
}

/** The deployment of each run, by run id. */
function deploymentsByRun(scenario: Scenario): Map<number, { id: number; states: string[] }> {
  const byRun = new Map<number, { id: number; states: string[] }>();
  for (const d of scenario.sim.github.deployments(scenario.run.owner, scenario.run.repo)) {
    const runId = (d.payload as { run_id?: number }).run_id ?? 0;
    byRun.set(runId, { id: d.id, states: d.statuses.map((s) => s.state) });
  }
  return byRun;
}

/** A deployment this action would have made for `runId` (attempt), with one status or none. */
async function earlierDeployment(
  scenario: Scenario,
  runId: number,
  attempt: number,
  state?: 'in_progress' | 'queued',
): Promise<number> {
  const octokit = getOctokit(GITHUB_TOKEN, { baseUrl: scenario.sim.githubApiUrl });
  const repo = { owner: scenario.run.owner, repo: scenario.run.repo };
  const created = await octokit.rest.repos.createDeployment({
    ...repo,
    ref: await scenario.repo.head(),
    environment: ENVIRONMENT,
    auto_merge: false,
    required_contexts: [],
    payload: {
      by: 'guarded-deploy',
      platform: 'heroku',
      app: scenario.app,
      run_id: runId,
      run_attempt: attempt,
      job: 'deploy',
    },
  });
  if (!('id' in created.data)) throw new Error('no deployment created');
  const id = created.data.id;
  if (state !== undefined) {
    await octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: id, state });
  }
  return id;
}

/** The GitHub request that posted deployment `id`'s final status, when it arrived. */
function outcomePostedAt(scenario: Scenario, id: number): number {
  const posted = scenario.sim.requests.find(
    (r) =>
      r.api === 'github' &&
      r.method === 'POST' &&
      r.path.endsWith(`/deployments/${id}/statuses`) &&
      (r.body as { state?: string }).state !== 'in_progress',
  );
  return posted?.receivedAt ?? Infinity;
}

describe('deploy queue (Heroku): two jobs started together', () => {
  it('lock-wait 0: one builds and deploys, the other is refused naming its deployment', async () => {
    const scenario = await scenarios.start({ initial: { version: 'one' } });
    const sha = await scenario.repo.commit({ version: 'two' });

    const results = await Promise.all([
      job(scenario, 2001, sha, { 'lock-wait': '0' }),
      job(scenario, 2002, sha, { 'lock-wait': '0' }),
    ]);

    const outcomes = results.map((r) => r.outputs.result).sort();
    expect(outcomes).toEqual(['deployed', 'refused']);
    const winner = results.findIndex((r) => r.outputs.result === 'deployed');
    const [deployed, refused] = [results[winner], results[1 - winner]] as [RunResult, RunResult];
    expectReported(deployed, 'deployed');
    expectReported(refused, 'refused');
    const byRun = deploymentsByRun(scenario);
    const first = byRun.get(2001 + winner);
    expect(first?.states).toEqual(['in_progress', 'success']);
    // The refused one names the deployment queued ahead of it, with its run.
    expect(refused.summary).toContain(`deployment ${first?.id ?? 0} of ${sha.slice(0, 7)}`);
    expect(refused.summary).toContain(`actions/runs/${2001 + winner}/attempts/1`);
    expect(refused.everything).toContain('`lock-wait`');
    expect(byRun.get(2002 - winner)?.states).toEqual(['error']);
    // Exactly one build; the app on one verified release.
    expect(herokuCalls(scenario.sim, 'POST', /^\/apps\/shop-prod\/builds$/)).toBe(1);
    const current = scenario.sim.heroku.state('shop-prod').releases.filter((r) => r.current);
    expect(current.map((r) => `v${r.version}`)).toEqual([deployed.outputs.release]);
    expect(await scenario.liveVersion()).toBe('two');
  });

  it("lock-wait: the second waits for the first one's outcome, then pushes its own commit", async () => {
    const scenario = await scenarios.start({ initial: { version: 'one' } });
    const shaTwo = await scenario.repo.commit({ version: 'two' });
    const shaThree = await scenario.repo.commit({ version: 'three' });

    const results = await Promise.all([
      job(scenario, 2001, shaTwo, { 'lock-wait': '120' }),
      job(scenario, 2002, shaThree, { 'lock-wait': '120' }),
    ]);

    for (const result of results) expectReported(result, 'deployed');
    const byRun = deploymentsByRun(scenario);
    const [a, b] = [byRun.get(2001)?.id ?? 0, byRun.get(2002)?.id ?? 0];
    const firstIndex = a < b ? 0 : 1;
    const [first, second] = [results[firstIndex], results[1 - firstIndex]] as [
      RunResult,
      RunResult,
    ];
    const firstId = Math.min(a, b);
    expect(second.everything).toMatch(
      new RegExp(`Another deploy of shop-prod is in flight \\(deployment ${firstId} `),
    );
    expect(first.everything).not.toMatch(/Another deploy of shop-prod is in flight/);
    // The pushes never overlap: the second build starts after the first job's outcome.
    const builds = scenario.sim.requests.filter(
      (r) => r.api === 'heroku' && r.method === 'POST' && r.path === '/apps/shop-prod/builds',
    );
    expect(builds).toHaveLength(2);
    expect(builds[1]?.receivedAt ?? 0).toBeGreaterThan(outcomePostedAt(scenario, firstId));
    // From a fresh snapshot: the second's rollback target is the first's release.
    expect(second.outputs['previous-release']).toBe(first.outputs.release);
    const current = scenario.sim.heroku.state('shop-prod').releases.filter((r) => r.current);
    expect(current.map((r) => `v${r.version}`)).toEqual([second.outputs.release]);
    expect(await scenario.liveVersion()).toBe(firstIndex === 0 ? 'three' : 'two');
  });
});

describe('deploy queue (Heroku): stale holders', () => {
  it('an earlier deployment of a completed run or of an earlier attempt does not hold', async () => {
    const scenario = await scenarios.start({ initial: { version: 'one' } });
    const sha = await scenario.repo.commit({ version: 'two' });
    // Left in progress by a job whose run has completed since (the runner was lost).
    scenario.sim.github.setJobs({ ...scenario.run, runId: 3001, attempt: 1 }, FINISHED);
    await earlierDeployment(scenario, 3001, 1, 'in_progress');
    // Left without a status by attempt 1 of the run this job re-runs as attempt 2.
    scenario.sim.github.setJobs({ ...scenario.run, runId: 3002, attempt: 1 }, FINISHED);
    await earlierDeployment(scenario, 3002, 1);

    expectReported(await job(scenario, 3002, sha, { 'lock-wait': '0' }, 2), 'deployed');
    expect(await scenario.liveVersion()).toBe('two');

    // A deployment whose run is still going does hold the app: the same check refuses.
    scenario.sim.github.setJobs({ ...scenario.run, runId: 3003, attempt: 1 }, RUNNING);
    const holder = await earlierDeployment(scenario, 3003, 1, 'queued');
    const shaThree = await scenario.repo.commit({ version: 'three' });
    const refused = await job(scenario, 3004, shaThree, { 'lock-wait': '0' });
    expectReported(refused, 'refused');
    expect(refused.summary).toMatch(new RegExp(`deployment ${holder} of \\w{7} .*is queued`));
    expect(await scenario.liveVersion()).toBe('two');
  });
});

describe('mode: plan reports the lock', () => {
  const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
  const writes = (scenario: Scenario): string[] =>
    scenario.sim.requests.filter((r) => WRITES.has(r.method)).map((r) => `${r.method} ${r.path}`);

  it('names who holds the app, from the queue and the platform, and writes nothing', async () => {
    const scenario = await scenarios.start({ initial: { version: 'one' } });
    const sha = await scenario.repo.commit({ version: 'two' });
    const free = await job(scenario, 5000, sha, { mode: 'plan' });
    expectReported(free, 'planned', true);
    expect(free.summary).toContain(
      '| lock | free: no other deploy of shop-prod in flight (deploy queue of production and heroku) |',
    );

    scenario.sim.github.setJobs({ ...scenario.run, runId: 5001, attempt: 1 }, RUNNING);
    const holder = await earlierDeployment(scenario, 5001, 1, 'in_progress');
    const before = writes(scenario);
    const held = await job(scenario, 5002, sha, { mode: 'plan' });

    expectReported(held, 'planned', true);
    const named = `held: deployment ${holder} of ${sha.slice(0, 7)} by github-actions[bot]`;
    expect(held.summary).toContain(`| lock | ${named}`);
    expect(held.stdout).toContain(`plan: lock: ${named}`);
    // Read at once, without waiting, and nothing written to GitHub or the platform.
    expect(held.stdout).not.toMatch(/waiting/);
    expect(writes(scenario)).toEqual(before);
  });
});
