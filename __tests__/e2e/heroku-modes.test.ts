// mode: rollback and mode: verify, and version-url, against the simulated Heroku.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../sim/scenario.js';
import { useScenarios } from '../helpers/scenario-hooks.js';
import { expectContractKept, expectReported, herokuCalls } from '../helpers/assert-run.js';

const scenarios = useScenarios();
let scenario: Scenario;

describe('mode: rollback', () => {
  it('goes back to the release before the live one, verified, and ends green', async () => {
    scenario = await scenarios.start({ initial: { version: 'one' } });
    const deployed = await scenario.deploy({ version: 'two' });
    expect(deployed.outputs.result).toBe('deployed');
    const result = await scenario.act({ mode: 'rollback', 'github-token': '' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('rolled-back');
    expect(result.outputs.release).toBe(deployed.outputs['previous-release']);
    expect(result.summary).toMatch(/Rolled back by hand/);
    expect(await scenario.liveVersion()).toBe('one');
    // No gate: the jobs API was never asked.
    expect(scenario.sim.requests.filter((r) => r.api === 'github' && /after/.test(r.path))).toEqual(
      [],
    );
    expectContractKept(scenario.sim);
  });

  it('goes to to-release when given', async () => {
    scenario = await scenarios.start({ initial: { version: 'one' } });
    const first = await scenario.deploy({ version: 'two' });
    await scenario.deploy({ version: 'three' });
    const target = first.outputs['previous-release'] ?? '';
    const result = await scenario.act({ mode: 'rollback', 'to-release': target });
    expectReported(result, 'rolled-back', true);
    expect(result.outputs.release).toBe(target);
    expect(await scenario.liveVersion()).toBe('one');
  });

  it('ends red when the release it restores is unhealthy', async () => {
    scenario = await scenarios.start({ initial: { version: 'one', healthStatus: 500 } });
    await scenario.deploy({ version: 'two' });
    const result = await scenario.act({ mode: 'rollback' });
    expect(result.exitCode).not.toBe(0);
    expect(result.outputs.result).toBe('failed');
    expect(result.annotations[0]?.message).toMatch(/ROLLBACK TO v\d+ FAILED/);
    expect(result.annotations[0]?.message).toMatch(/heroku releases:rollback/);
  });
});

describe('mode: verify', () => {
  it('checks what is live and changes nothing', async () => {
    scenario = await scenarios.start({ initial: { version: 'one' } });
    const result = await scenario.act({ mode: 'verify', 'check-string': 'ok' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.result).toBe('verified');
    expect(herokuCalls(scenario.sim, 'POST', /./)).toBe(0);
  });

  it('fails loudly when what is live is unhealthy', async () => {
    scenario = await scenarios.start({ initial: { version: 'one', healthStatus: 503 } });
    const result = await scenario.act({ mode: 'verify' });
    expect(result.exitCode).not.toBe(0);
    expect(result.outputs.result).toBe('failed');
    expect(result.annotations[0]?.message).toMatch(/Live release v\d+ is unhealthy/);
    expect(herokuCalls(scenario.sim, 'POST', /./)).toBe(0);
  });
});

describe('version-url', () => {
  it('counts a poll only when the new version answers', async () => {
    scenario = await scenarios.start({ initial: { version: 'old' } });
    const webUrl = scenario.sim.heroku.state(scenario.app).webUrl;
    const result = await scenario.deploy(
      { version: 'v-new' },
      { 'version-url': `${webUrl}version`, 'expected-version': 'v-new' },
    );
    expectReported(result, 'deployed');
    expect(result.stdout).toMatch(/ok, serving v-new/);
  });

  it('rolls back when the old version keeps answering', async () => {
    scenario = await scenarios.start({ initial: { version: 'old' } });
    const webUrl = scenario.sim.heroku.state(scenario.app).webUrl;
    const result = await scenario.deploy(
      { version: 'v-new' },
      { 'version-url': `${webUrl}version`, 'expected-version': 'something-else' },
    );
    expectReported(result, 'rolled-back');
    expect(result.annotations[0]?.message).toMatch(/old release answered/);
  });
});
