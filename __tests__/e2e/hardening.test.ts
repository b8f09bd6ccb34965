// dist/index.js against what an adversarial review got through (issue 13): the gate's default
// and re-runs, a next-page link to another host, wildcards that backtrack, workflow commands
// and endless lines in build output, and what git gets in its environment.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNNER_NAME, startScenario, type Scenario } from '../../sim/scenario.js';
import type { SimJob } from '../../sim/types.js';
import { childRecords, expectReported } from '../helpers/assert-run.js';
import { checkScenario } from '../helpers/scenario-hooks.js';
import { commandPrintingScript, expectNoneActed } from '../helpers/workflow-commands.js';

let scenario: Scenario;
let elsewhere: http.Server;
let elsewhereUrl = '';
const elsewhereRequests: string[] = [];

beforeAll(async () => {
  scenario = await startScenario({ initial: { version: 'good' } });
  // Another host on the same machine: a different origin from the GitHub simulator.
  elsewhere = http.createServer((req, res) => {
    elsewhereRequests.push(`${req.method ?? ''} ${req.url ?? ''} ${req.headers.authorization}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"total_count":0,"jobs":[]}');
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
});
afterAll(async () => {
  try {
    checkScenario(scenario);
  } finally {
    elsewhere.closeAllConnections();
    await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
    await scenario.close();
  }
});

const self: SimJob = {
  name: 'deploy',
  status: 'in_progress',
  conclusion: null,
  runnerName: RUNNER_NAME,
};

function platformRequests(): number {
  return scenario.sim.requests.filter((request) => request.api !== 'github').length;
}

function jobsRequests(): number {
  return scenario.sim.requests.filter((request) => /\/jobs(\?|$)/.test(request.path)).length;
}

/** Answers the next `times` job listings with one page of `total` jobs (only `test` on it)
 * whose `Link` says the next page is at `nextBase`. */
function answerJobsWithNext(total: number, nextBase: string, times: number): void {
  const job = { id: 1, name: 'test', status: 'completed', conclusion: 'success', run_attempt: 1 };
  scenario.sim.github.inject({
    method: 'GET',
    path: /\/jobs$/,
    status: 200,
    body: { total_count: total, jobs: [{ ...job, runner_name: 'GitHub Actions 2' }] },
    headers: { link: `<${nextBase}/repos/acme/shop/actions/runs/1/jobs?page=2>; rel="next"` },
    times,
  });
}

describe('the gate (issue 13 items 1-4)', () => {
  it('with require-jobs empty, refuses while another job is still running (item 1)', async () => {
    scenario.setJobs([
      { name: 'lint', status: 'completed', conclusion: 'success' },
      { name: 'test', status: 'in_progress', conclusion: null, runnerName: 'GitHub Actions 3' },
      self,
    ]);
    const before = platformRequests();
    const result = await scenario.deploy({ version: 'never' });
    expectReported(result, 'refused');
    expect(result.annotations[0]?.message).toMatch(
      /job 'test' is still in_progress: add it to needs:.*require-jobs/,
    );
    expect(platformRequests()).toBe(before);
  });

  it('never follows a next-page link to another host with the token (item 2)', async () => {
    scenario.setJobs([{ name: 'test', status: 'completed', conclusion: 'success' }, self]);
    answerJobsWithNext(2, elsewhereUrl, 1);
    const before = platformRequests();
    const result = await scenario.deploy({ version: 'never' });
    expectReported(result, 'failed');
    expect(result.annotations.at(-1)?.message).toMatch(/not following it/);
    expect(elsewhereRequests).toEqual([]);
    expect(platformRequests()).toBe(before);
  });

  // Pages per listing: ceil(total_count / 100) + 1, and never more than 50.
  it.each([
    ['ceil(total_count / 100) + 1 pages', 150, 3],
    ['50 pages whatever total_count says', 1_000_000, 50],
  ])('stops a next link that loops at %s (item 2)', async (_label, total, pages) => {
    scenario.setJobs([{ name: 'test', status: 'completed', conclusion: 'success' }, self]);
    answerJobsWithNext(total, scenario.sim.githubApiUrl, 1000);
    const before = jobsRequests();
    const result = await scenario.deploy({ version: 'never' });
    scenario.sim.github.clear();
    expectReported(result, 'failed');
    expect(result.annotations.at(-1)?.message).toMatch(/complete, readable job list/);
    // The listing is read 3 times.
    expect(jobsRequests() - before).toBe(3 * pages);
  });

  it('deploys on attempt 2 of "re-run failed jobs", judging test by attempt 1 (item 3)', async () => {
    // Attempt 1: test passed, the deploy failed. Attempt 2 re-runs only the deploy job.
    scenario.setJobs([
      { name: 'test', status: 'completed', conclusion: 'success' },
      { name: 'deploy', status: 'completed', conclusion: 'failure' },
    ]);
    scenario.sim.github.setJobs({ ...scenario.run, attempt: 2 }, [self]);
    const result = await scenario.deploy({ version: 'rerun' }, {}, undefined, {
      extraEnv: { GITHUB_RUN_ATTEMPT: '2' },
    });
    expectReported(result, 'deployed');
    expect(await scenario.liveVersion()).toBe('rerun');
    expect(result.summary).toMatch(/test.*ok \(from attempt 1\)/);
    // The token scan had something to cover: git ran, and what it got was recorded.
    expect(childRecords(result).filter((record) => record.name === 'git').length).toBeGreaterThan(
      0,
    );
  });

  it('refuses on attempt 2 when the test job ran again there and failed (item 3)', async () => {
    scenario.setJobs([
      { name: 'test', status: 'completed', conclusion: 'success' },
      { name: 'deploy', status: 'completed', conclusion: 'failure' },
    ]);
    scenario.sim.github.setJobs({ ...scenario.run, attempt: 2 }, [
      { name: 'test', status: 'completed', conclusion: 'failure' },
      self,
    ]);
    const before = platformRequests();
    const result = await scenario.deploy({ version: 'never' }, {}, undefined, {
      extraEnv: { GITHUB_RUN_ATTEMPT: '2' },
    });
    expectReported(result, 'refused');
    expect(result.annotations[0]?.message).toMatch(/job 'test' concluded failure/);
    expect(result.summary).toMatch(/\(attempt 2\)/);
    expect(platformRequests()).toBe(before);
  });

  it('matches a backtracking wildcard against a long job name at once (item 4)', async () => {
    scenario.setJobs([{ name: 'a'.repeat(44), status: 'completed', conclusion: 'success' }, self]);
    const result = await scenario.deploy(
      { version: 'never' },
      { 'require-jobs': `${'*a'.repeat(12)}*b` },
      undefined,
      // The regex took 9 s for 34 characters and grows as n^12: 44 would take minutes.
      { timeoutMs: 15_000 },
    );
    expectReported(result, 'refused');
    expect(result.annotations[0]?.message).toMatch(/not found in this run/);
  });
});

// A release phase that prints workflow commands, and a line of 300,000 characters.
const RELEASE_SCRIPT = commandPrintingScript('release phase', [
  "console.log('x'.repeat(300000));",
  "console.log('release phase done');",
]);

describe('output from builds (issue 13 items 5, 6)', () => {
  it('echoes release-phase output as text: no command acts, an endless line is cut', async () => {
    scenario.setJobs([{ name: 'test', status: 'completed', conclusion: 'success' }, self]);
    const result = await scenario.deploy(
      { version: 'loud' },
      {},
      {
        Procfile: 'web: node server.js\nrelease: node release.js\n',
        'release.js': RELEASE_SCRIPT,
      },
    );
    expectReported(result, 'deployed');
    expect(await scenario.liveVersion()).toBe('loud');
    expect(result.stdout).toContain('release phase done');
    expectNoneActed(result, 'release phase');
    const longest = Math.max(...result.stdout.split('\n').map((line) => line.length));
    expect(longest).toBeLessThanOrEqual(64 * 1024 + 100);
    expect(result.stdout).toMatch(/x{1000}.* more characters cut\]/);
  });
});

describe('output from builds (issue 13 item 5): the build itself', () => {
  it("echoes a build script's output as text: no command it prints acts", async () => {
    scenario.setJobs([{ name: 'test', status: 'completed', conclusion: 'success' }, self]);
    const packageJson = {
      name: 'loud-build',
      private: true,
      type: 'module',
      scripts: { start: 'node server.js', 'heroku-postbuild': 'node build.js' },
    };
    const result = await scenario.deploy(
      { version: 'loud-build' },
      {},
      {
        'package.json': `${JSON.stringify(packageJson)}\n`,
        'build.js': commandPrintingScript('build', ["console.log('build done');"]),
      },
    );
    expectReported(result, 'deployed');
    // The buildpack indents its output; the runner trims it and would still act on it.
    expect(result.stdout).toMatch(/^ {7}::error::from the build$/m);
    expect(result.stdout).toContain('build done');
    expectNoneActed(result, 'build');
  });
});

describe('child processes (issue 13 item 6)', () => {
  it('stops a git that hangs at its timeout instead of leaving it running', async () => {
    scenario.setJobs([{ name: 'test', status: 'completed', conclusion: 'success' }, self]);
    const live = await scenario.liveVersion();
    const result = await scenario.deploy({ version: 'never' }, {}, undefined, {
      extraEnv: { GD_SIM_GIT_HANG: 'rev-parse' },
      // A git query's timeout is 10 s; the run ends soon after.
      timeoutMs: 40_000,
    });
    expect(result.outputs.result).not.toBe('deployed');
    expect(result.annotations.at(-1)?.message).toMatch(/git rev-parse did not finish within/);
    const pid = Number(/^=== git hangs as pid (\d+)$/m.exec(result.children)?.[1]);
    expect(pid).toBeGreaterThan(0);
    // Gone: signal 0 only asks whether the process exists.
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(await scenario.liveVersion()).toBe(live);
  }, 60_000);
});
