// GitHub deployments of the action: the pure status plan, and the API calls against the
// simulated GitHub REST API over real HTTP.
import { getOctokit } from '@actions/github';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GitHubDeployments,
  looksLikeProduction,
  plannedStatuses,
  runLogUrl,
  statusDescription,
} from '../../src/report/deployments.js';
import type { Deployment, NewDeployment } from '../../src/report/deployments.js';
import { Result } from '../../src/settings/names.js';
import type { ResultValue } from '../../src/settings/names.js';
import { startGitHubSim } from '../../sim/github/index.js';
import type { GitHubSimHandle } from '../../sim/github/index.js';

const TOKEN = 'ghs_deployments_token';
const REPO = { owner: 'acme', repo: 'shop' };
const SHA_OLD = '1111111111111111111111111111111111111111';
const SHA_MID = '2222222222222222222222222222222222222222';
const SHA_NEW = '3333333333333333333333333333333333333333';
const APP_URL = 'https://shop.herokuapp.test/';
const LOG_URL = runLogUrl({ serverUrl: 'https://github.com', ...REPO, runId: 77, attempt: 2 });

describe('plannedStatuses', () => {
  it.each<[ResultValue, Array<[string, string, boolean]>]>([
    [Result.Deployed, [['ours', 'success', true]]],
    [
      Result.RolledBack,
      [
        ['ours', 'failure', false],
        ['previous', 'success', true],
      ],
    ],
    [Result.Refused, [['ours', 'error', false]]],
    [Result.Failed, [['ours', 'failure', false]]],
    [Result.Verified, []],
  ])('%s posts %j (deployment, state, environment_url)', (outcome, expected) => {
    const plan = plannedStatuses(outcome, { release: 'v42', previousRelease: 'v41' });
    expect(plan.map((p) => [p.deployment, p.state, p.withEnvironmentUrl])).toEqual(expected);
  });

  it('names the releases and the reason in the descriptions', () => {
    const facts = { release: 'v42', previousRelease: 'v41', reason: 'health check timed out' };
    expect(plannedStatuses(Result.Deployed, facts)[0]?.description).toBe(
      'Deployed v42; health check passed',
    );
    expect(plannedStatuses(Result.RolledBack, facts).map((p) => p.description)).toEqual([
      'Rolled back to v41: health check timed out',
      'Live again after the rollback of v42',
    ]);
    expect(plannedStatuses(Result.Failed, facts)[0]?.description).toBe(
      'Deploy failed: health check timed out',
    );
    expect(plannedStatuses(Result.Refused, {})[0]?.description).toBe(
      'Not deployed: the required jobs did not pass',
    );
    expect(plannedStatuses(Result.RolledBack, {})[0]?.description).toBe(
      'Rolled back to the previous release',
    );
  });

  it('keeps every description within 140 characters', () => {
    const reason = 'x'.repeat(500);
    for (const outcome of Object.values(Result)) {
      for (const planned of plannedStatuses(outcome, { reason, release: reason })) {
        expect(planned.description.length).toBeLessThanOrEqual(140);
      }
    }
  });
});

describe('statusDescription', () => {
  it('leaves short text alone and cuts long text with an ellipsis', () => {
    expect(statusDescription('Deployed v3')).toBe('Deployed v3');
    expect(statusDescription('a'.repeat(140))).toBe('a'.repeat(140));
    const cut = statusDescription('b'.repeat(141));
    expect(cut).toHaveLength(140);
    expect(cut.endsWith('b…')).toBe(true);
  });

  it('puts multi-line text on one line and never splits a surrogate pair', () => {
    expect(statusDescription('  failed:\n  exit 1 ')).toBe('failed: exit 1');
    const cut = statusDescription(`${'c'.repeat(138)}😀😀`);
    expect(cut).toBe(`${'c'.repeat(138)}…`);
  });
});

describe('runLogUrl and looksLikeProduction', () => {
  it('builds the run (attempt) URL', () => {
    expect(LOG_URL).toBe('https://github.com/acme/shop/actions/runs/77/attempts/2');
    expect(runLogUrl({ serverUrl: 'https://ghe.example.test/', ...REPO, runId: 5 })).toBe(
      'https://ghe.example.test/acme/shop/actions/runs/5',
    );
  });

  it.each([
    ['production', true],
    ['Prod', true],
    ['staging', false],
    ['production-eu', false],
  ])('%s → %s', (name, expected) => {
    expect(looksLikeProduction(name)).toBe(expected);
  });
});

describe('GitHubDeployments against the GitHub simulator', () => {
  let sim: GitHubSimHandle;
  let deployments: GitHubDeployments;

  beforeEach(async () => {
    sim = await startGitHubSim({ token: TOKEN });
    deployments = new GitHubDeployments(getOctokit(TOKEN, { baseUrl: sim.url }), REPO, 5_000);
  });
  afterEach(async () => {
    const violations = [...sim.violations];
    await sim.stop();
    expect(violations).toEqual([]);
  });

  /** What a deployment's payload records for the deploy queue. */
  const QUEUE_PAYLOAD = {
    by: 'guarded-deploy',
    platform: 'heroku',
    app: 'shop',
    run_id: 1001,
    run_attempt: 1,
    job: 'deploy',
  };

  const newDeployment = (sha: string): NewDeployment => ({
    sha,
    environment: 'production',
    production: true,
    platform: 'heroku',
    app: 'shop',
    description: `guarded-deploy of ${sha.slice(0, 7)}`,
    ticket: { runId: 1001, attempt: 1, job: 'deploy' },
  });

  function states(): Array<[string, string[]]> {
    return sim.control
      .deployments(REPO.owner, REPO.repo)
      .map((d) => [d.ref, d.statuses.map((s) => s.state)]);
  }

  function requestsOf(method: string, pattern: RegExp): number {
    return sim.requests.filter((r) => r.method === method && pattern.test(r.path)).length;
  }

  /** A deployment that went live, as an earlier run of the action leaves it. */
  async function liveDeployment(sha: string): Promise<Deployment> {
    const deployment = await deployments.createDeployment(newDeployment(sha));
    await deployments.setStatus(deployment.id, 'in_progress');
    await deployments.recordOutcome(deployment, Result.Deployed, {
      logUrl: LOG_URL,
      environmentUrl: APP_URL,
    });
    return deployment;
  }

  it('creates the deployment, then in_progress, then success with environment_url', async () => {
    const deployment = await deployments.createDeployment(newDeployment(SHA_NEW));
    expect(deployment.environment).toBe('production');
    await deployments.setStatus(deployment.id, 'in_progress', { description: 'Deploying' });
    const recorded = await deployments.recordOutcome(deployment, Result.Deployed, {
      release: 'v42',
      logUrl: LOG_URL,
      environmentUrl: APP_URL,
    });
    expect(recorded.restoredId).toBeUndefined();

    const create = sim.requests.find((r) => r.method === 'POST' && /deployments$/.test(r.path));
    expect(create?.body).toEqual({
      ref: SHA_NEW,
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
      transient_environment: false,
      production_environment: true,
      payload: QUEUE_PAYLOAD,
      description: 'guarded-deploy of 3333333',
    });
    expect(sim.control.deployments(REPO.owner, REPO.repo)).toEqual([
      {
        id: deployment.id,
        ref: SHA_NEW,
        environment: 'production',
        payload: QUEUE_PAYLOAD,
        statuses: [
          { state: 'in_progress', description: 'Deploying' },
          {
            state: 'success',
            environment_url: APP_URL,
            log_url: LOG_URL,
            description: 'Deployed v42; health check passed',
          },
        ],
      },
    ]);
  });

  it('records a failed deploy as failure with the log URL and a cut description', async () => {
    const deployment = await deployments.createDeployment(newDeployment(SHA_NEW));
    await deployments.setStatus(deployment.id, 'in_progress');
    // The simulator answers 422 above 140 characters, like GitHub.
    await deployments.recordOutcome(deployment, Result.Failed, {
      reason: `build failed: ${'error: missing module '.repeat(20)}`,
      logUrl: LOG_URL,
      environmentUrl: APP_URL,
    });
    const [only] = sim.control.deployments(REPO.owner, REPO.repo);
    const last = only?.statuses.at(-1);
    expect(last).toMatchObject({ state: 'failure', log_url: LOG_URL });
    expect(last?.environment_url).toBeUndefined();
    // The cut lands after a space, which is dropped before the ellipsis.
    expect(last?.description).toHaveLength(139);
    expect(last?.description).toMatch(/^Deploy failed: build failed: error: missing module.*e…$/);
  });

  it('rolls back: ours fails and the deployment that was live is current again', async () => {
    const old = await liveDeployment(SHA_OLD);
    // A deploy that failed in between was never live: not a rollback target.
    const broken = await deployments.createDeployment(newDeployment(SHA_MID));
    await deployments.recordOutcome(broken, Result.Failed, { logUrl: LOG_URL });
    const ours = await liveDeployment(SHA_NEW);
    expect(states()).toEqual([
      [SHA_OLD, ['in_progress', 'success', 'inactive']],
      [SHA_MID, ['failure']],
      [SHA_NEW, ['in_progress', 'success']],
    ]);

    const restored = (
      await deployments.recordOutcome(ours, 'rolled-back', {
        release: 'v43',
        previousRelease: 'v41',
        reason: 'unhealthy',
        logUrl: LOG_URL,
        environmentUrl: APP_URL,
      })
    ).restoredId;
    expect(restored).toBe(old.id);
    expect(states()).toEqual([
      [SHA_OLD, ['in_progress', 'success', 'inactive', 'success']],
      [SHA_MID, ['failure']],
      [SHA_NEW, ['in_progress', 'success', 'failure']],
    ]);
    const oldNow = sim.control.deployments(REPO.owner, REPO.repo)[0]?.statuses.at(-1);
    expect(oldNow).toEqual({
      state: 'success',
      environment_url: APP_URL,
      log_url: LOG_URL,
      description: 'Live again after the rollback of v43',
    });
  });

  it('restores a previous deployment that is still live when ours never succeeded', async () => {
    const old = await liveDeployment(SHA_OLD);
    const ours = await deployments.createDeployment(newDeployment(SHA_NEW));
    await deployments.setStatus(ours.id, 'in_progress');
    expect(
      (await deployments.recordOutcome(ours, 'rolled-back', { logUrl: LOG_URL })).restoredId,
    ).toBe(old.id);
    expect(states()).toEqual([
      [SHA_OLD, ['in_progress', 'success', 'success']],
      [SHA_NEW, ['in_progress', 'failure']],
    ]);
  });

  it('fails ours alone when there is no earlier deployment of the environment', async () => {
    const elsewhere = await deployments.createDeployment({
      ...newDeployment(SHA_OLD),
      environment: 'staging',
      production: false,
    });
    await deployments.recordOutcome(elsewhere, Result.Deployed, { logUrl: LOG_URL });
    const ours = await deployments.createDeployment(newDeployment(SHA_NEW));
    expect(
      (await deployments.recordOutcome(ours, 'rolled-back', { logUrl: LOG_URL })).restoredId,
    ).toBeUndefined();
    expect(states()).toEqual([
      [SHA_OLD, ['success']],
      [SHA_NEW, ['failure']],
    ]);
  });

  it('retries a GET that answered 5xx, and bounds each one by the timeout', async () => {
    await liveDeployment(SHA_OLD);
    const ours = await deployments.createDeployment(newDeployment(SHA_NEW));
    sim.control.inject({ method: 'GET', path: /\/deployments$/, status: 502, body: {} });
    sim.control.inject({ method: 'GET', path: /\/statuses$/, delayMs: 2_000 });
    const quick = new GitHubDeployments(getOctokit(TOKEN, { baseUrl: sim.url }), REPO, 300);
    expect(
      (await quick.recordOutcome(ours, 'rolled-back', { logUrl: LOG_URL })).restoredId,
    ).toBeDefined();
    expect(requestsOf('GET', /\/deployments\?/)).toBe(2);
    expect(requestsOf('GET', /\/statuses\?/)).toBe(2);
  });

  it('gives up on a GET after three 5xx answers and says so', async () => {
    const ours = await deployments.createDeployment(newDeployment(SHA_NEW));
    sim.control.inject({ method: 'GET', path: /\/deployments$/, status: 503, times: 3 });
    await expect(
      deployments.recordOutcome(ours, 'rolled-back', { logUrl: LOG_URL }),
    ).rejects.toThrow(/listing the production deployments failed after 3 attempts/);
  });

  it('never repeats a POST that failed', async () => {
    const ours = await deployments.createDeployment(newDeployment(SHA_NEW));
    sim.control.inject({ method: 'POST', path: /\/statuses$/, status: 500, body: {} });
    await expect(deployments.setStatus(ours.id, 'in_progress')).rejects.toThrow(
      /setting deployment \d+ to in_progress failed \(not retried/,
    );
    expect(requestsOf('POST', /\/statuses$/)).toBe(1);
    sim.control.inject({ method: 'POST', path: /\/deployments$/, reset: true });
    await expect(deployments.createDeployment(newDeployment(SHA_OLD))).rejects.toThrow(
      /creating a deployment of 1111111 to production failed \(not retried/,
    );
    expect(requestsOf('POST', /\/deployments$/)).toBe(2);
  });

  it('explains a 403 with the deployments: write permission, without the token', async () => {
    sim.control.denyPermission('deployments');
    const error: unknown = await deployments
      .createDeployment(newDeployment(SHA_NEW))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(/^creating a deployment of 3333333 to production failed: 403 /);
    expect(message).toContain('deployments=write');
    expect(message).toContain(
      '`permissions: { actions: read, contents: read, deployments: write }`',
    );
    expect(message).not.toContain('\n');
    expect(message).not.toContain(TOKEN);
    expect(requestsOf('POST', /\/deployments$/)).toBe(1);
    expect(sim.control.deployments(REPO.owner, REPO.repo)).toEqual([]);
  });
});
