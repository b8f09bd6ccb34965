// dist/index.js against the simulated Heroku: failures before anything new is live.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../sim/scenario.js';
import { useScenarios } from '../helpers/scenario-hooks.js';
import {
  expectContractKept,
  expectNoSecrets,
  expectReported,
  herokuCalls,
} from '../helpers/assert-run.js';

const scenarios = useScenarios();
let scenario: Scenario;

describe('heroku failures', () => {
  it('a failed build leaves the live release alone', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy({ version: 'nobuild' }, {}, { Procfile: null });
    expectReported(result, 'failed');
    expect(result.annotations[0]?.message).toMatch(/build/i);
    expect(await scenario.liveVersion()).toBe('good');
    expect(herokuCalls(scenario.sim, 'POST', /\/releases$/)).toBe(0);
    expect(result.summary).toMatch(/still live; nothing changed/);
    expectContractKept(scenario.sim);
  });

  it('a failed release phase was never deployed', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'badrelease' },
      {},
      { Procfile: 'web: node server.js\nrelease: node -e "process.exit(3)"\n' },
    );
    expectReported(result, 'failed');
    expect(result.annotations[0]?.message).toMatch(/release phase/i);
    expect(await scenario.liveVersion()).toBe('good');
  });

  it('says the token was refused and pushes nothing', async () => {
    scenario = await scenarios.start();
    const result = await scenario.deploy({ version: 'x' }, { 'api-token': 'wrong-token-123' });
    expectReported(result, 'failed');
    expect(result.annotations[0]?.message).toMatch(/refused the token/);
    expectNoSecrets(result, ['wrong-token-123']);
    expect(herokuCalls(scenario.sim, 'POST', /./)).toBe(0);
  });

  it('names a missing app and never creates one', async () => {
    scenario = await scenarios.start();
    const result = await scenario.deploy({ version: 'x' }, { app: 'no-such-app' });
    expectReported(result, 'failed');
    expect(result.annotations[0]?.message).toMatch(/no-such-app/);
    expect(herokuCalls(scenario.sim, 'POST', /./)).toBe(0);
  });

  it('never repeats a build POST answered 500; the old release stays live', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    scenario.sim.heroku.inject({ method: 'POST', path: /\/builds$/, status: 500, times: 1 });
    const result = await scenario.deploy({ version: 'x' });
    expectReported(result, 'failed');
    expect(herokuCalls(scenario.sim, 'POST', /\/builds$/)).toBe(1);
    expect(await scenario.liveVersion()).toBe('good');
  });
});
