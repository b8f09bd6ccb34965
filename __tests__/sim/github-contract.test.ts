// The OpenAPI checks themselves: they must catch what real GitHub would never answer, or the
// "no violations" assertions of the other simulator tests would prove nothing.
import { describe, expect, it } from 'vitest';
import { Deployments, deploymentJson, statusJson } from '../../sim/github/deployments.js';
import { loadGitHubContract } from '../../sim/github/openapi.js';
import { WorkflowJobs, jobJson } from '../../sim/github/workflow-jobs.js';

const BASE = 'http://127.0.0.1:1';
const JOBS = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs';
const STATUSES = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
const DEPLOYMENTS = 'POST /repos/{owner}/{repo}/deployments';

async function contractFor(route: string) {
  const contract = await loadGitHubContract([JOBS, STATUSES, DEPLOYMENTS]);
  const [method = '', template = ''] = route.split(' ');
  return { contract, op: contract.operation(method, template) };
}

function oneJob(conclusion: 'success' | null): Record<string, unknown> {
  const jobs = new WorkflowJobs();
  const run = { owner: 'o', repo: 'r', runId: 1, attempt: 1 };
  jobs.set(run, [
    conclusion === null
      ? { name: 't', status: 'queued', conclusion: null }
      : { name: 't', status: 'completed', conclusion },
  ]);
  const stored = jobs.attempt('o', 'r', 1, 1)?.[0];
  if (!stored) throw new Error('job not stored');
  return jobJson(stored, BASE);
}

describe('GitHub OpenAPI contract', () => {
  it('accepts the job objects the simulator builds, null conclusion included', async () => {
    const { contract, op } = await contractFor(JOBS);
    for (const job of [oneJob('success'), oneJob(null)]) {
      expect(contract.checkResponse(op, 200, { total_count: 1, jobs: [job] })).toEqual([]);
    }
  });

  it('catches a job with a missing field or an unknown conclusion', async () => {
    const { contract, op } = await contractFor(JOBS);
    const withoutNodeId = oneJob('success');
    delete withoutNodeId.node_id;
    expect(contract.checkResponse(op, 200, { total_count: 1, jobs: [withoutNodeId] })).toEqual([
      `"node_id" wasn't supplied.`,
    ]);
    const odd = { ...oneJob('success'), conclusion: 'passed' };
    expect(contract.checkResponse(op, 200, { total_count: 1, jobs: [odd] })).toEqual([
      expect.stringMatching(/^For 'jobs\/0\/conclusion', "passed" must be equal to one of/),
    ]);
    expect(contract.checkResponse(op, 200, { jobs: [] })).toEqual([
      `"total_count" wasn't supplied.`,
    ]);
  });

  it('allows the empty default of URL fields but not a malformed URL', async () => {
    const { contract, op } = await contractFor(STATUSES);
    const store = new Deployments();
    const deployment = store.create('o', 'r', { ref: 'main' });
    const bare = store.addStatus(deployment, { state: 'queued' });
    expect(contract.checkResponse(op, 201, statusJson(deployment, bare, BASE))).toEqual([]);
    const body = { ...statusJson(deployment, bare, BASE), log_url: 'not a url' };
    expect(contract.checkResponse(op, 201, body)).toEqual([
      expect.stringMatching(/log_url/),
      expect.stringMatching(/log_url/),
      expect.stringMatching(/log_url/),
    ]);
  });

  it('checks deployments, and coerces path parameters to their declared types', async () => {
    const { contract, op } = await contractFor(DEPLOYMENTS);
    const store = new Deployments();
    const created = deploymentJson(store.create('o', 'r', { ref: 'main' }), BASE);
    expect(contract.checkResponse(op, 201, created)).toEqual([]);
    expect(contract.checkResponse(op, 201, { ...created, id: '1' })).toEqual([
      expect.stringMatching(/^For 'id', "1" must be integer/),
    ]);

    const jobs = await contractFor(JOBS);
    const path = { owner: 'o', repo: 'r', run_id: '12', attempt_number: 'x' };
    const check = jobs.contract.checkRequest(jobs.op, path, new URLSearchParams(), undefined);
    expect(check.params.run_id).toBe(12);
    expect(check.problems).toEqual([expect.stringMatching(/attempt_number.*integer/)]);
  });

  it("knows which paths exist in GitHub's API at all", async () => {
    const { contract } = await contractFor(JOBS);
    expect(contract.hasRoute('GET', '/repos/o/r/actions/runs/5')).toBe(true);
    expect(contract.hasRoute('DELETE', '/repos/o/r/deployments/5')).toBe(true);
    expect(contract.hasRoute('PATCH', '/repos/o/r/deployments/5')).toBe(false);
    expect(contract.hasRoute('GET', '/repos/o/r/deploymentz')).toBe(false);
  });
});
