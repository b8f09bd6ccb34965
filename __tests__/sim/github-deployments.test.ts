// The GitHub simulator's deployments and deployment statuses, through octokit over real HTTP.
import { getOctokit } from '@actions/github';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGitHubSim } from '../../sim/github/index.js';
import type { GitHubSimHandle } from '../../sim/github/index.js';

const TOKEN = 'ghs_sim_token';
const repo = { owner: 'acme', repo: 'shop' };
const SHA = '0123456789abcdef0123456789abcdef01234567';

let sim: GitHubSimHandle;
let octokit: ReturnType<typeof getOctokit>;
beforeEach(async () => {
  sim = await startGitHubSim({ token: TOKEN });
  octokit = getOctokit(TOKEN, { baseUrl: sim.url });
});
afterEach(async () => {
  await sim.stop();
});

async function deploy(environment: string, ref = SHA): Promise<number> {
  const { data, status } = await octokit.rest.repos.createDeployment({
    ...repo,
    ref,
    environment,
    auto_merge: false,
    required_contexts: [],
    payload: { release: ref.slice(0, 7) },
  });
  expect(status).toBe(201);
  if (!('id' in data)) throw new Error('expected a created deployment');
  return data.id;
}

function succeed(deploymentId: number, extra: { auto_inactive?: boolean } = {}) {
  return octokit.rest.repos.createDeploymentStatus({
    ...repo,
    deployment_id: deploymentId,
    state: 'success',
    environment_url: 'https://shop.example.test',
    log_url: 'https://dashboard.example.test/release/1',
    ...extra,
  });
}

function statesOf(environment: string): string[][] {
  return sim.control
    .deployments(repo.owner, repo.repo)
    .filter((d) => d.environment === environment)
    .map((d) => d.statuses.map((s) => s.state));
}

describe('deployments', () => {
  it('creates deployments that answer like GitHub and lists them with filters', async () => {
    const { data } = await octokit.rest.repos.createDeployment({
      ...repo,
      ref: SHA,
      environment: 'staging',
      payload: { release: 'v1' },
      description: 'first',
    });
    expect(data).toMatchObject({
      sha: SHA,
      ref: SHA,
      task: 'deploy',
      environment: 'staging',
      original_environment: 'staging',
      payload: { release: 'v1' },
      production_environment: false,
      creator: { login: 'github-actions[bot]' },
    });
    const other = await deploy('production', 'main');

    const all = await octokit.rest.repos.listDeployments(repo);
    expect(all.data.map((d) => d.environment)).toEqual(['production', 'staging']);
    const bySha = await octokit.rest.repos.listDeployments({ ...repo, sha: SHA });
    expect(bySha.data.map((d) => d.ref)).toEqual([SHA]);
    const byEnv = await octokit.rest.repos.listDeployments({ ...repo, environment: 'production' });
    expect(byEnv.data.map((d) => d.id)).toEqual([other]);
    expect(byEnv.data[0]?.production_environment).toBe(true);
    expect(byEnv.data[0]?.sha).toMatch(/^[0-9a-f]{40}$/);
    const byRef = await octokit.rest.repos.listDeployments({ ...repo, ref: 'nope' });
    expect(byRef.data).toEqual([]);
    const elsewhere = await octokit.rest.repos.listDeployments({ owner: 'acme', repo: 'blog' });
    expect(elsewhere.data).toEqual([]);
    expect(sim.violations).toEqual([]);
  });

  // The deploy queue reads `?environment=E&per_page=100&page=N`: the filter, at most 100 a
  // page with Link relations (@octokit/openapi: per_page "max 100", the `Link` header), and
  // newest first, as api.github.com answers (the order is not in the OpenAPI description).
  it('pages the deployments of one environment newest first, 100 at most a page', async () => {
    const ids: number[] = [];
    for (let n = 0; n < 130; n += 1) {
      const id = await deploy(n % 2 === 0 ? 'production' : 'staging');
      if (n % 2 === 0) ids.push(id);
    }
    const list = (page: number, perPage: number) =>
      octokit.rest.repos.listDeployments({
        ...repo,
        environment: 'production',
        per_page: perPage,
        page,
      });
    const first = await list(1, 50);
    expect(first.data.map((d) => d.id)).toEqual(ids.slice().reverse().slice(0, 50));
    expect(first.headers.link).toMatch(/[?&]page=2>; rel="next"/);
    const second = await list(2, 50);
    expect(second.data.map((d) => d.id)).toEqual(ids.slice().reverse().slice(50));
    expect(second.headers.link).toMatch(/rel="prev"/);
    expect(second.headers.link).not.toMatch(/rel="next"/);
    // GitHub caps per_page at 100.
    expect((await list(1, 500)).data).toHaveLength(65);
    expect((await list(3, 50)).data).toEqual([]);
    expect(sim.violations).toEqual([]);
  });

  it('records statuses, lists them newest first, and shows them to the test', async () => {
    const id = await deploy('production');
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: id,
      state: 'in_progress',
      description: 'Deploying v2',
    });
    const { data: created } = await succeed(id);
    expect(created).toMatchObject({
      state: 'success',
      environment: 'production',
      environment_url: 'https://shop.example.test',
      log_url: 'https://dashboard.example.test/release/1',
      // log_url replaced target_url; GitHub fills both.
      target_url: 'https://dashboard.example.test/release/1',
      deployment_url: `${sim.url}/repos/acme/shop/deployments/${id}`,
    });

    const listed = await octokit.rest.repos.listDeploymentStatuses({
      ...repo,
      deployment_id: id,
    });
    expect(listed.data.map((s) => s.state)).toEqual(['success', 'in_progress']);
    expect(sim.control.deployments('acme', 'shop')).toEqual([
      {
        id,
        ref: SHA,
        environment: 'production',
        payload: { release: SHA.slice(0, 7) },
        statuses: [
          { state: 'in_progress', description: 'Deploying v2' },
          {
            state: 'success',
            environment_url: 'https://shop.example.test',
            log_url: 'https://dashboard.example.test/release/1',
          },
        ],
      },
    ]);
    expect(sim.violations).toEqual([]);
  });

  it('marks earlier successful deployments of the environment inactive', async () => {
    const first = await deploy('production');
    await succeed(first);
    const failed = await deploy('production');
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: failed,
      state: 'failure',
    });
    const staging = await deploy('staging');
    await succeed(staging);
    const second = await deploy('production');
    await succeed(second);

    expect(statesOf('production')).toEqual([['success', 'inactive'], ['failure'], ['success']]);
    expect(statesOf('staging')).toEqual([['success']]);

    // auto_inactive: false leaves the previous one live.
    const third = await deploy('production');
    await succeed(third, { auto_inactive: false });
    expect(statesOf('production').map((s) => s.at(-1))).toEqual([
      'inactive',
      'failure',
      'success',
      'success',
    ]);
    expect(sim.violations).toEqual([]);
  });

  it('moves a deployment to the environment a status names', async () => {
    const id = await deploy('staging');
    await octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: id,
      state: 'queued',
      environment: 'qa',
    });
    expect(sim.control.deployments('acme', 'shop')[0]?.environment).toBe('qa');
    const { data } = await octokit.rest.repos.listDeployments({ ...repo, environment: 'qa' });
    expect(data[0]).toMatchObject({ id, environment: 'qa', original_environment: 'staging' });
  });

  it('answers 404 for a status on an unknown deployment', async () => {
    await expect(succeed(999)).rejects.toMatchObject({ status: 404 });
    await expect(
      octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: 999 }),
    ).rejects.toMatchObject({ status: 404 });
    expect(sim.violations).toEqual([]);
  });

  it('refuses a description longer than GitHub allows', async () => {
    const id = await deploy('production');
    await expect(
      octokit.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id: id,
        state: 'failure',
        description: 'x'.repeat(141),
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(sim.control.deployments('acme', 'shop')[0]?.statuses).toEqual([]);
  });
});

describe('deployments contract and permissions', () => {
  it('answers a body that breaks the schema with 422 and records the violation', async () => {
    const res = await fetch(`${sim.url}/repos/acme/shop/deployments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ environment: 'production', auto_merge: 'yes' }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { message: string; documentation_url: string };
    expect(body.message).toMatch(/^Invalid request\.\n\n/);
    expect(body.message).toMatch(/"ref" wasn't supplied\./);
    expect(body.documentation_url).toMatch(/create-a-deployment$/);
    expect(sim.violations).toEqual([
      expect.stringMatching(/POST .*repos\/create-deployment.*"ref" wasn't supplied/),
      expect.stringMatching(/repos\/create-deployment.*auto_merge.*boolean/),
    ]);
    expect(sim.control.deployments('acme', 'shop')).toEqual([]);
  });

  it('refuses a state GitHub does not know', async () => {
    const id = await deploy('production');
    const res = await fetch(`${sim.url}/repos/acme/shop/deployments/${id}/statuses`, {
      method: 'POST',
      headers: { authorization: `token ${TOKEN}` },
      body: JSON.stringify({ state: 'done' }),
    });
    expect(res.status).toBe(422);
    expect(sim.violations).toEqual([expect.stringMatching(/state.*allowed values/)]);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await fetch(`${sim.url}/repos/acme/shop/deployments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: '{"ref":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: 'Problems parsing JSON' });
  });

  it('answers 403 with the deployments permission GitHub would need', async () => {
    sim.control.denyPermission('deployments');
    const created = await fetch(`${sim.url}/repos/acme/shop/deployments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ ref: SHA }),
    });
    expect(created.status).toBe(403);
    expect(created.headers.get('x-accepted-github-permissions')).toBe('deployments=write');
    expect(await created.json()).toMatchObject({
      message: 'Resource not accessible by integration',
    });
    await expect(octokit.rest.repos.listDeployments(repo)).rejects.toMatchObject({
      status: 403,
      response: { headers: { 'x-accepted-github-permissions': 'deployments=read' } },
    });
    expect(sim.control.deployments('acme', 'shop')).toEqual([]);
  });
});
