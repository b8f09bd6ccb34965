// Idempotent re-runs: when the live release already runs this commit, a deploy only verifies
// it (`result: deployed`, "already live, verified"); `force: true` rebuilds.
import { describe, expect, it } from 'vitest';
import { expectReported, herokuCalls } from '../helpers/assert-run.js';
import { useFlyScenarios } from '../helpers/fly-scenario-hooks.js';
import { useScenarios } from '../helpers/scenario-hooks.js';

const scenarios = useScenarios();
const flyScenarios = useFlyScenarios();

describe('re-run on Heroku', () => {
  it('verifies the live release of this commit instead of building it again', async () => {
    const scenario = await scenarios.start({ initial: { version: 'one' } });
    const first = await scenario.deploy({ version: 'two' });
    expectReported(first, 'deployed');
    expect(herokuCalls(scenario.sim, 'POST', /\/builds$/)).toBe(1);
    const rerun = await scenario.act();
    expectReported(rerun, 'deployed');
    expect(herokuCalls(scenario.sim, 'POST', /\/builds$/)).toBe(1);
    expect(herokuCalls(scenario.sim, 'POST', /\/releases$/)).toBe(0);
    expect(rerun.outputs.release).toBe(first.outputs.release);
    expect(rerun.summary).toContain('already live, verified');
    expect(await scenario.liveVersion()).toBe('two');
  });

  it('rebuilds with force: true', async () => {
    const scenario = await scenarios.start({ initial: { version: 'one' } });
    const first = await scenario.deploy({ version: 'two' });
    const forced = await scenario.act({ force: 'true' });
    expectReported(forced, 'deployed');
    expect(herokuCalls(scenario.sim, 'POST', /\/builds$/)).toBe(2);
    expect(forced.outputs.release).not.toBe(first.outputs.release);
    expect(forced.summary).not.toContain('already live');
  });

  it('builds a commit that is not the live one', async () => {
    const scenario = await scenarios.start({ initial: { version: 'one' } });
    await scenario.deploy({ version: 'two' });
    const next = await scenario.deploy({ version: 'three' });
    expectReported(next, 'deployed');
    expect(herokuCalls(scenario.sim, 'POST', /\/builds$/)).toBe(2);
    expect(next.summary).not.toContain('already live');
  });
});

describe('re-run on Fly', () => {
  it('verifies machines labelled with this commit without running flyctl deploy', async () => {
    const scenario = await flyScenarios.start({ initial: { version: 'good' } });
    const first = await scenario.deploy({ version: 'two' });
    expectReported(first, 'deployed');
    const images = scenario.state().machines.map((machine) => machine.image);
    const rerun = await scenario.act();
    expectReported(rerun, 'deployed');
    expect(rerun.stdout).not.toMatch(/flyctl deploy/);
    expect(rerun.summary).toContain('already live, verified');
    expect(scenario.state().machines.map((machine) => machine.image)).toEqual(images);
    expect(await scenario.liveVersions()).toEqual(['two', 'two', 'two']);
    const forced = await scenario.act({ force: 'true' });
    expectReported(forced, 'deployed');
    expect(forced.stdout).toMatch(/flyctl deploy/);
  });
});
