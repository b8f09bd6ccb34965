// The test gate: the pure decision (table-tested) and listing the run's jobs it judges.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getOctokit } from '@actions/github';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/io/errors.js';
import { judgeGate, matchesWildcard } from '../../src/gate/gate.js';
import type { JobInfo, NeedsEntry } from '../../src/gate/gate.js';
import { latestExecutions, listRunJobs, nextLink } from '../../src/gate/github-jobs.js';
import type { GitHubClient } from '../../src/gate/github-jobs.js';

const SELF_RUNNER = 'GitHub Actions 7';

function done(name: string, conclusion: string | null = 'success'): JobInfo {
  return { name, status: 'completed', conclusion, runnerName: 'GitHub Actions 1' };
}

function running(name: string, status = 'in_progress', runnerName: string | null = null): JobInfo {
  return { name, status, conclusion: null, runnerName };
}

const self = running('deploy', 'in_progress', SELF_RUNNER);

interface Case {
  title: string;
  jobs: JobInfo[];
  requireJobs?: string[];
  needs?: Record<string, NeedsEntry>;
  /** Default SELF_RUNNER; set to undefined to leave it out. */
  selfRunnerName?: string;
  pass: boolean;
  /** Each must appear in some problem. */
  problems?: string[];
}

const cases: Case[] = [
  {
    title: 'all finished jobs succeeded',
    jobs: [done('lint'), done('test (20.x)'), self],
    pass: true,
  },
  ...['failure', 'cancelled', 'skipped', 'neutral', 'timed_out', 'action_required'].map(
    (conclusion): Case => ({
      title: `a finished job concluded ${conclusion}`,
      jobs: [done('lint'), done('test', conclusion), self],
      pass: false,
      problems: [`job 'test' concluded ${conclusion}`],
    }),
  ),
  {
    title: 'a completed job without conclusion',
    jobs: [done('test', null), self],
    pass: false,
    problems: ["job 'test' completed without a conclusion"],
  },
  {
    title: 'nothing but the deploy job: nothing to gate on',
    jobs: [self],
    pass: false,
    problems: ['nothing to gate on'],
  },
  {
    title: 'no jobs at all',
    jobs: [],
    pass: false,
    problems: ['nothing to gate on'],
  },
  // Issue 13, item 1: safe by default, an unfinished job may still fail.
  ...['queued', 'in_progress', 'waiting'].map((status): Case => ({
    title: `without require-jobs, another job still ${status} refuses and names it`,
    jobs: [done('lint'), running('test', status, 'GitHub Actions 3'), self],
    pass: false,
    problems: [
      `job 'test' is still ${status}`,
      'add it to needs:',
      'list the jobs that matter in require-jobs',
    ],
  })),
  {
    title: 'without require-jobs, only unfinished other jobs refuse',
    jobs: [running('test', 'queued'), self],
    pass: false,
    problems: ["job 'test' is still queued"],
  },
  {
    title: 'required job succeeded, an unrequired one failed',
    jobs: [done('test'), done('flaky-e2e', 'failure'), self],
    requireJobs: ['test'],
    pass: true,
  },
  {
    title: 'required job failed',
    jobs: [done('test', 'failure'), done('lint'), self],
    requireJobs: ['test', 'lint'],
    pass: false,
    problems: ["job 'test' concluded failure"],
  },
  {
    title: 'matrix glob, all legs passed',
    jobs: [done('test (18.x)'), done('test (20.x)'), self],
    requireJobs: ['test (*)'],
    pass: true,
  },
  {
    title: 'matrix glob, one leg cancelled',
    jobs: [done('test (18.x)'), done('test (20.x)', 'cancelled'), self],
    requireJobs: ['test (*)'],
    pass: false,
    problems: ["job 'test (20.x)' concluded cancelled"],
  },
  {
    title: 'missing required job names the pattern and the jobs that exist',
    jobs: [done('lint'), done('unit'), self],
    requireJobs: ['test'],
    pass: false,
    problems: ["required job 'test' not found", "'lint', 'unit'"],
  },
  {
    title: 'parentheses are literal: `test (20.x)` does not match `test 20x`',
    jobs: [done('test 20x'), self],
    requireJobs: ['test (20.x)'],
    pass: false,
    problems: ["required job 'test (20.x)' not found"],
  },
  {
    title: 'dot is literal',
    jobs: [done('testa'), self],
    requireJobs: ['test.'],
    pass: false,
    problems: ["required job 'test.' not found"],
  },
  {
    title: 'reusable workflow job name with a slash',
    jobs: [done('caller / callee'), self],
    requireJobs: ['caller / *'],
    pass: true,
  },
  ...['queued', 'in_progress', 'waiting'].map((status): Case => ({
    title: `required job still ${status} asks for needs`,
    jobs: [done('lint'), running('test', status, 'GitHub Actions 3'), self],
    requireJobs: ['test', 'lint'],
    selfRunnerName: SELF_RUNNER,
    pass: false,
    problems: [`'test' is still ${status}`, '`needs: ['],
  })),
  {
    title: '`*` does not require the deploy job itself',
    jobs: [done('test'), self],
    requireJobs: ['*'],
    selfRunnerName: SELF_RUNNER,
    pass: true,
  },
  {
    title: 'a pattern matching only the deploy job is missing',
    jobs: [done('test'), self],
    requireJobs: ['deploy'],
    selfRunnerName: SELF_RUNNER,
    pass: false,
    problems: ["required job 'deploy' not found"],
  },
  {
    title: 'without selfRunnerName the running deploy job counts as a required job',
    jobs: [done('test'), self],
    requireJobs: ['*'],
    selfRunnerName: undefined,
    pass: false,
    problems: ["'deploy' is still in_progress"],
  },
  {
    title: 'same name in progress on another runner is not the deploy job',
    jobs: [done('test'), running('deploy', 'in_progress', 'GitHub Actions 2'), self],
    requireJobs: ['deploy'],
    selfRunnerName: SELF_RUNNER,
    pass: false,
    problems: ["'deploy' is still in_progress"],
  },
  {
    title: 'needs all success',
    jobs: [done('test'), self],
    needs: { test: { result: 'success' }, lint: { result: 'success' } },
    pass: true,
  },
  {
    title: 'needs entry failed names it',
    jobs: [done('test'), self],
    needs: { test: { result: 'success' }, build: { result: 'failure' } },
    pass: false,
    problems: ["needed job 'build' has result failure"],
  },
  {
    title: 'needs entry skipped refuses even when the jobs passed',
    jobs: [done('test'), self],
    requireJobs: ['test'],
    needs: { setup: { result: 'skipped' } },
    pass: false,
    problems: ["needed job 'setup' has result skipped"],
  },
];

describe('judgeGate', () => {
  it.each(cases)('$title', (c) => {
    const verdict = judgeGate({
      jobs: c.jobs,
      requireJobs: c.requireJobs ?? [],
      needs: c.needs,
      selfRunnerName: 'selfRunnerName' in c ? c.selfRunnerName : SELF_RUNNER,
    });
    expect(verdict.pass).toBe(c.pass);
    if (c.pass) expect(verdict.problems).toEqual([]);
    else expect(verdict.problems.length).toBeGreaterThan(0);
    const allProblems = verdict.problems.join('\n');
    for (const fragment of c.problems ?? []) expect(allProblems).toContain(fragment);
    for (const problem of verdict.problems) expect(problem).not.toContain('\n');
  });

  it('returns one row per job, marking required and the deploy job itself', () => {
    const verdict = judgeGate({
      jobs: [done('test (20.x)'), done('lint', 'failure'), self],
      requireJobs: ['test (*)', 'e2e'],
      selfRunnerName: SELF_RUNNER,
    });
    expect(verdict.rows).toEqual([
      {
        name: 'test (20.x)',
        status: 'completed',
        conclusion: 'success',
        required: true,
        ok: true,
        note: "required (matches 'test (*)')",
      },
      {
        name: 'lint',
        status: 'completed',
        conclusion: 'failure',
        required: false,
        ok: true,
        note: 'not required',
      },
      {
        name: 'deploy',
        status: 'in_progress',
        conclusion: null,
        required: false,
        ok: true,
        note: 'this deploy job (not judged)',
      },
      {
        name: 'e2e',
        status: 'missing',
        conclusion: null,
        required: true,
        ok: false,
        note: 'no job of this run has this name',
      },
    ]);
  });

  it('lists needs entries as rows after the jobs', () => {
    const verdict = judgeGate({
      jobs: [done('test')],
      requireJobs: [],
      needs: { test: { result: 'failure' } },
    });
    expect(verdict.rows.map((row) => [row.name, row.ok])).toEqual([
      ['test', true],
      ['needs.test', false],
    ]);
  });

  it('a missing pattern in an empty run says there are no jobs', () => {
    const verdict = judgeGate({ jobs: [], requireJobs: ['test'] });
    expect(verdict.problems).toEqual([expect.stringContaining('(jobs: none)')]);
  });
});

describe('judgeGate across attempts', () => {
  const inAttempt = (job: JobInfo, attempt: number): JobInfo => ({ ...job, attempt });
  it('says which attempt each verdict comes from', () => {
    const verdict = judgeGate({
      jobs: [inAttempt(done('test'), 1), inAttempt(self, 2)],
      requireJobs: [],
      selfRunnerName: SELF_RUNNER,
      attempt: 2,
    });
    expect(verdict.pass).toBe(true);
    expect(verdict.rows[0]?.note).toBe('ok (from attempt 1)');
  });
});

describe('latestExecutions', () => {
  const at = (job: JobInfo, attempt: number): JobInfo => ({ ...job, attempt });
  it('keeps each job as it last ran up to this attempt', () => {
    const jobs = [
      at(done('test'), 1),
      at(done('lint', 'failure'), 1),
      at(done('deploy', 'failure'), 1),
      at(done('lint'), 2),
      at(self, 2),
      at(done('test', 'failure'), 3),
    ];
    expect(latestExecutions(jobs, 2)).toEqual([
      at(done('test'), 1),
      at(done('lint'), 2),
      at(self, 2),
    ]);
  });
  it('a job that ran again in this attempt and failed is what counts', () => {
    const jobs = [at(done('test'), 1), at(done('test', 'failure'), 2), at(self, 2)];
    const verdict = judgeGate({
      jobs: latestExecutions(jobs, 2),
      requireJobs: ['test'],
      selfRunnerName: SELF_RUNNER,
      attempt: 2,
    });
    expect(verdict.pass).toBe(false);
    expect(verdict.rows[0]?.note).toContain('(attempt 2)');
  });
});

describe('nextLink', () => {
  it.each([
    ['<https://x/a?page=2>; rel="next", <https://x/a?page=9>; rel="last"', 'https://x/a?page=2'],
    ['<https://x/a?page=9>; rel="last", <https://x/b>; rel="next"', 'https://x/b'],
    ['<https://x/b>; rel="prev next"', 'https://x/b'],
    ['<https://x/a?page=1>; rel="prev"', undefined],
    [undefined, undefined],
  ])('%s -> %s', (header, next) => {
    expect(nextLink(header)).toBe(next);
  });
});

describe('matchesWildcard', () => {
  it.each([
    ['test (*)', 'test (20.x)', true],
    ['test (*)', 'test (20.x) extra', false],
    ['test', 'test (20.x)', false],
    ['*', 'anything / at all', true],
    ['a*b*c', 'a-b-c', true],
    ['a*b*c', 'a-c', false],
    ['[x]+', '[x]+', true],
    ['[x]+', 'xx', false],
    ['$^|\\', '$^|\\', true],
    ['', '', true],
    ['', 'x', false],
    ['**', '', true],
    ['*x', 'axbx', true],
    ['a*', 'b', false],
  ])('%s ~ %s -> %s', (pattern, name, matches) => {
    expect(matchesWildcard(pattern, name)).toBe(matches);
  });

  it('stays fast where a backtracking regex takes seconds (item 4)', () => {
    const pattern = `${'*a'.repeat(12)}*b`;
    const name = 'a'.repeat(34);
    const started = performance.now();
    for (let i = 0; i < 100; i += 1) expect(matchesWildcard(pattern, name)).toBe(false);
    expect(matchesWildcard(pattern, `${name}b`)).toBe(true);
    // 100 matches in well under a second; the regex took 9 s for one.
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

const TOKEN = 'ghs_secret-token-value';

interface Seen {
  url: string;
  authorization: string | undefined;
}

function apiJob(name: string, conclusion: string | null, status = 'completed'): object {
  return {
    id: name.length,
    name,
    status,
    conclusion,
    runner_name: status === 'queued' ? null : 'GitHub Actions 1',
    html_url: `https://github.com/o/r/actions/runs/1/job/${name.length}`,
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, link?: string): void {
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
  if (link !== undefined) headers.link = link;
  res.writeHead(status, headers).end(JSON.stringify(body));
}

describe('listRunJobs', () => {
  let server: http.Server;
  let base = '';
  let octokit: GitHubClient;
  const seen: Seen[] = [];
  let failuresLeft = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', base);
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      const page = url.searchParams.get('page') ?? '1';
      const path = url.pathname;
      if (path === '/repos/o/r/actions/runs/42/jobs') {
        if (page === '1') {
          const next = `${base}${path}?filter=all&per_page=100&page=2`;
          sendJson(
            res,
            200,
            { total_count: 3, jobs: [apiJob('lint', 'success'), apiJob('test (20.x)', 'failure')] },
            `<${next}>; rel="next", <${next}>; rel="last"`,
          );
        } else {
          sendJson(res, 200, { total_count: 3, jobs: [apiJob('deploy', null, 'in_progress')] });
        }
      } else if (path === '/repos/o/r/actions/runs/43/jobs') {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          sendJson(res, 500, { message: 'Server Error' });
        } else {
          sendJson(res, 200, { total_count: 1, jobs: [apiJob('test', 'success')] });
        }
      } else if (path === '/repos/o/r/actions/runs/44/jobs') {
        if (page === '1') {
          const next = `${base}${path}?filter=all&per_page=100&page=2`;
          sendJson(
            res,
            200,
            { total_count: 2, jobs: [apiJob('a', 'success')] },
            `<${next}>; rel="next"`,
          );
        } else {
          // A stalled second page: only a timeout that reaches every page ends this.
          const timer = setTimeout(() => sendJson(res, 200, { total_count: 2, jobs: [] }), 3_000);
          res.on('close', () => clearTimeout(timer));
        }
      } else if (path === '/repos/o/r/actions/runs/45/jobs') {
        // A garbled answer, then a 429 with Retry-After, then the real list.
        if (failuresLeft === 2) {
          failuresLeft -= 1;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"total_count": 1, "jobs": [{"na');
        } else if (failuresLeft === 1) {
          failuresLeft -= 1;
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
          res.end('{"message":"You have exceeded a secondary rate limit"}');
        } else {
          sendJson(res, 200, { total_count: 1, jobs: [apiJob('test', 'success')] });
        }
      } else if (path === '/repos/o/r/actions/runs/47/jobs') {
        // Item 2: a next page on another host must not get the token.
        const elsewhere = base.replace('127.0.0.1', 'localhost');
        sendJson(
          res,
          200,
          { total_count: 2, jobs: [apiJob('a', 'success')] },
          `<${elsewhere}${path}?page=2>; rel="next"`,
        );
      } else if (path === '/repos/o/r/actions/runs/48/jobs') {
        // Item 2: a `next` that loops forever, with a total that is never reached.
        sendJson(
          res,
          200,
          { total_count: 150, jobs: [apiJob('a', 'success')] },
          `<${base}${path}?filter=all&per_page=100&page=2>; rel="next"`,
        );
      } else if (path === '/repos/o/r/actions/runs/46/jobs') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('not json at all');
      } else if (path === '/repos/o/r/actions/runs/403/jobs') {
        sendJson(res, 403, { message: 'Resource not accessible by integration' });
      } else if (path === '/repos/o/r/actions/runs/401/jobs') {
        sendJson(res, 401, { message: 'Bad credentials' });
      } else {
        sendJson(res, 404, { message: 'Not Found' });
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    octokit = getOctokit(TOKEN, { baseUrl: base });
  });

  beforeEach(() => {
    seen.length = 0;
    failuresLeft = 0;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads every page the Link header points to, with the token on each', async () => {
    const jobs = await listRunJobs(octokit, { owner: 'o', repo: 'r', runId: 42, attempt: 2 }, 5000);
    expect(jobs).toEqual([
      {
        name: 'lint',
        status: 'completed',
        conclusion: 'success',
        runnerName: 'GitHub Actions 1',
        htmlUrl: 'https://github.com/o/r/actions/runs/1/job/4',
      },
      {
        name: 'test (20.x)',
        status: 'completed',
        conclusion: 'failure',
        runnerName: 'GitHub Actions 1',
        htmlUrl: 'https://github.com/o/r/actions/runs/1/job/11',
      },
      {
        name: 'deploy',
        status: 'in_progress',
        conclusion: null,
        runnerName: 'GitHub Actions 1',
        htmlUrl: 'https://github.com/o/r/actions/runs/1/job/6',
      },
    ]);
    expect(seen.map((request) => request.url)).toEqual([
      '/repos/o/r/actions/runs/42/jobs?filter=all&per_page=100',
      '/repos/o/r/actions/runs/42/jobs?filter=all&per_page=100&page=2',
    ]);
    for (const request of seen) expect(request.authorization).toBe(`token ${TOKEN}`);
  });

  it('never follows a next link to another origin (the token would go there)', async () => {
    const run = { owner: 'o', repo: 'r', runId: 47, attempt: 1 };
    await expect(listRunJobs(octokit, run, 5000)).rejects.toThrow(
      /pointed the next page .* not following it/,
    );
    expect(seen.map((request) => request.url)).toEqual([
      '/repos/o/r/actions/runs/47/jobs?filter=all&per_page=100',
    ]);
  });

  it('stops a looping next link at ceil(total / 100) + 1 pages', async () => {
    const run = { owner: 'o', repo: 'r', runId: 48, attempt: 1 };
    await expect(listRunJobs(octokit, run, 5000)).rejects.toThrow(/complete, readable job list/);
    // 3 pages per listing (ceil(150 / 100) + 1), 3 listings (the read is retried).
    expect(seen).toHaveLength(9);
  });

  it('retries a 500 and then succeeds', async () => {
    failuresLeft = 1;
    const run = { owner: 'o', repo: 'r', runId: 43, attempt: 1 };
    const jobs = await listRunJobs(octokit, run, 5000);
    expect(jobs.map((job) => job.name)).toEqual(['test']);
    expect(seen).toHaveLength(2);
  });

  it('retries a garbled body and a 429, never reading them as an empty run', async () => {
    failuresLeft = 2;
    const run = { owner: 'o', repo: 'r', runId: 45, attempt: 1 };
    const jobs = await listRunJobs(octokit, run, 5000);
    expect(jobs.map((job) => job.name)).toEqual(['test']);
    expect(seen).toHaveLength(3);
  });

  it('fails, rather than refusing for "no jobs", when the body stays unreadable', async () => {
    const run = { owner: 'o', repo: 'r', runId: 46, attempt: 1 };
    await expect(listRunJobs(octokit, run, 5000)).rejects.toThrow(
      /without a complete, readable job list/,
    );
    expect(seen).toHaveLength(3);
  });

  it('gives up after three 500s', async () => {
    failuresLeft = 10;
    const run = { owner: 'o', repo: 'r', runId: 43, attempt: 1 };
    await expect(listRunJobs(octokit, run, 5000)).rejects.toThrow(/failed after 3 attempts/);
    expect(seen).toHaveLength(3);
  });

  it('bounds the later pages by the timeout too', async () => {
    const run = { owner: 'o', repo: 'r', runId: 44, attempt: 1 };
    const started = Date.now();
    await expect(listRunJobs(octokit, run, 150)).rejects.toThrow(/run 44 \(attempt 1\) failed/);
    expect(Date.now() - started).toBeLessThan(2_900);
    expect(seen.filter((request) => request.url.endsWith('page=2'))).toHaveLength(3);
  });

  it('explains a 403 with the permissions YAML, without the token', async () => {
    const run = { owner: 'o', repo: 'r', runId: 403, attempt: 1 };
    const error: unknown = await listRunJobs(octokit, run, 5000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    const message = (error as HttpError).message;
    expect(message).toContain('Resource not accessible by integration');
    expect(message).toContain('`permissions: { actions: read, contents: read }`');
    expect(message).not.toContain('\n');
    expect(message).not.toContain(TOKEN);
    expect((error as HttpError).status).toBe(403);
    expect(seen).toHaveLength(1);
  });

  it('says the github-token was refused on a 401', async () => {
    const run = { owner: 'o', repo: 'r', runId: 401, attempt: 1 };
    await expect(listRunJobs(octokit, run, 5000)).rejects.toThrow(/github-token was refused/);
    expect(seen).toHaveLength(1);
  });

  it('points at GITHUB_API_URL on a 404', async () => {
    const run = { owner: 'o', repo: 'r', runId: 999, attempt: 1 };
    await expect(listRunJobs(octokit, run, 5000)).rejects.toThrow(/not found: is GITHUB_API_URL/);
  });
});
