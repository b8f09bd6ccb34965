// GitHub deployments in `mode: rollback` and `mode: verify`, against the simulated GitHub API.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../sim/scenario.js';
import { expectReported } from '../helpers/assert-run.js';
import { useScenarios } from '../helpers/scenario-hooks.js';

const scenarios = useScenarios();
let scenario: Scenario;

const production = { environment: 'production' };

/** Oldest first, each with the states of its statuses, oldest first. */
function history(): Array<{ id: number; ref: string; states: string[]; payload: unknown }> {
  return [...scenario.sim.github.deployments('acme', 'shop')]
    .sort((a, b) => a.id - b.id)
    .map((deployment) => ({
      id: deployment.id,
      ref: deployment.ref,
      payload: deployment.payload,
      states: deployment.statuses.map((status) => status.state),
    }));
}

describe('mode: rollback with environment', () => {
  it('creates a deployment of the restored release and makes the rolled-back one inactive', async () => {
    scenario = await scenarios.start({ initial: { version: 'one' } });
    const deployed = await scenario.deploy({ version: 'two' }, production);
    expectReported(deployed, 'deployed');
    const result = await scenario.act({ mode: 'rollback', ...production });
    expectReported(result, 'rolled-back', true);
    const [first, second, ...rest] = history();
    expect(rest).toEqual([]);
    expect(first?.states.at(-1)).toBe('inactive');
    expect(second?.payload).toMatchObject({
      release: deployed.outputs['previous-release'],
      rolledBack: deployed.outputs.release,
    });
    expect(second?.states).toEqual(['in_progress', 'success']);
    // The rolled-back deployment went inactive once, by the action itself (GitHub's own
    // auto_inactive posts no description), not twice.
    const inactive = scenario.sim.github
      .deployments('acme', 'shop')
      .find((deployment) => deployment.id === first?.id)
      ?.statuses.filter((status) => status.state === 'inactive');
    expect(inactive?.map((status) => status.description)).toEqual([
      `Rolled back to ${deployed.outputs['previous-release'] ?? '?'} by hand`,
    ]);
  });

  it('fails its deployment and leaves the current one alone when the rollback fails', async () => {
    scenario = await scenarios.start({ initial: { version: 'one', healthStatus: 500 } });
    await scenario.deploy({ version: 'two' }, production);
    const result = await scenario.act({ mode: 'rollback', ...production });
    expectReported(result, 'failed');
    const [first, second] = history();
    expect(first?.states.at(-1)).toBe('success');
    expect(second?.states.at(-1)).toBe('failure');
  });
});

describe('mode: verify with environment', () => {
  it('adds success to the current deployment when the live release is healthy', async () => {
    scenario = await scenarios.start({ initial: { version: 'one' } });
    await scenario.deploy({ version: 'two' }, production);
    const result = await scenario.act({ mode: 'verify', ...production });
    expectReported(result, 'verified');
    const [only, ...rest] = history();
    expect(rest).toEqual([]);
    expect(only?.states).toEqual(['in_progress', 'success', 'success']);
  });

  it('adds failure to the current deployment when the live release is unhealthy', async () => {
    scenario = await scenarios.start({ initial: { version: 'one' } });
    await scenario.deploy({ version: 'two' }, production);
    // What is live breaks after the deploy: the nightly check records it on that deployment.
    scenario.sim.heroku.routerFaults(scenario.app).inject({
      method: 'GET',
      path: /\/health$/,
      status: 503,
      times: 1000,
    });
    const result = await scenario.act({ mode: 'verify', ...production });
    expectReported(result, 'failed');
    expect(history()[0]?.states).toEqual(['in_progress', 'success', 'failure']);
  });
});
