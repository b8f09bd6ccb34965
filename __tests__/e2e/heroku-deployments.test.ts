// environment: GitHub deployments and their statuses, against the simulated GitHub API.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../sim/scenario.js';
import { expectReported, herokuCalls } from '../helpers/assert-run.js';
import { useScenarios } from '../helpers/scenario-hooks.js';

const scenarios = useScenarios();
let scenario: Scenario;

const production = { environment: 'production' };

function deployments(): ReturnType<Scenario['sim']['github']['deployments']> {
  return scenario.sim.github.deployments('acme', 'shop');
}

describe('github deployments', () => {
  it('records a verified deploy as success with the app URL', async () => {
    scenario = await scenarios.start();
    const result = await scenario.deploy({ version: 'two' }, production);
    expectReported(result, 'deployed');
    const [deployment] = deployments();
    expect(deployment).toMatchObject({ ref: result.sha, environment: 'production' });
    expect(deployment?.payload).toMatchObject({ platform: 'heroku', app: 'shop-prod' });
    expect(deployment?.statuses.map((status) => status.state)).toEqual(
      expect.arrayContaining(['in_progress', 'success']),
    );
    const success = deployment?.statuses.find((status) => status.state === 'success');
    expect(success?.environment_url).toBe(scenario.sim.heroku.state(scenario.app).webUrl);
  });

  it('marks a rolled-back deploy failed and makes the previous one current again', async () => {
    scenario = await scenarios.start();
    await scenario.deploy({ version: 'two' }, production);
    const result = await scenario.deploy({ version: 'bad', healthStatus: 500 }, production);
    expectReported(result, 'rolled-back');
    const [first, second] = [...deployments()].sort((a, b) => a.id - b.id);
    expect(second?.statuses.some((status) => status.state === 'failure')).toBe(true);
    const failure = second?.statuses.find((status) => status.state === 'failure');
    expect(failure?.log_url).toMatch(/\/acme\/shop\/actions\/runs\/\d+/);
    // The first deploy's success, then a new success when the rollback made it current again.
    expect(first?.statuses.filter((status) => status.state === 'success').length).toBe(2);
  });

  it('records a refusal as an error status and pushes nothing', async () => {
    scenario = await scenarios.start();
    scenario.setJobs([{ name: 'test', status: 'completed', conclusion: 'failure' }]);
    const result = await scenario.deploy({ version: 'never' }, production);
    expectReported(result, 'refused');
    expect(deployments()[0]?.statuses.map((status) => status.state)).toContain('error');
  });

  it('says deployments: write is needed, before touching the platform', async () => {
    scenario = await scenarios.start();
    scenario.sim.github.denyPermission('deployments');
    const result = await scenario.deploy({ version: 'never' }, production);
    expectReported(result, 'failed');
    expect(result.annotations[0]?.message).toMatch(/deployments: write/);
    expect(herokuCalls(scenario.sim, 'POST', /./)).toBe(0);
  });
});
