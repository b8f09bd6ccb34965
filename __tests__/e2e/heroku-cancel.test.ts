// Cancellation as the runner does it (SIGINT, 7.5 s, SIGTERM, 2.5 s, SIGKILL) at each phase,
// then the post step as the runner runs it: the app ends on the old release or a verified one.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../sim/scenario.js';
import { useScenarios } from '../helpers/scenario-hooks.js';
import { expectContractKept, expectNoSecrets, herokuCalls } from '../helpers/assert-run.js';

const scenarios = useScenarios();
let scenario: Scenario;

// Slow polls so that the signal lands while the phase is still going on.
const SLOW = { 'health-interval': '0.5', 'health-timeout': '20' };

describe('heroku cancellation', () => {
  it('cancelled while verifying: main stops at once, post rolls back and verifies', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const main = await scenario.deploy({ version: 'bad', healthStatus: 500 }, SLOW, undefined, {
      cancel: { afterLine: /^poll 2:/ },
    });
    expect(main.signalsSent).toEqual(['SIGINT']);
    expect(main.exitCode).not.toBe(0);
    expect(main.outputs.result).toBe('failed');
    expect(main.annotations.find((a) => a.level === 'error')?.message).toMatch(/cancelled/);
    expect(main.state.stage).toBe('deploying');
    expectNoSecrets(main);

    const post = await main.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.summary).toMatch(/Interrupted deploy: failed, rolled back/);
    expect(await scenario.liveVersion()).toBe('good');
    expect(herokuCalls(scenario.sim, 'POST', /\/releases$/)).toBe(1);
    expectNoSecrets(post);
    expectContractKept(scenario.sim);
  });

  it('cancelled while the build runs: post waits for the build, then rolls back', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const main = await scenario.deploy({ version: 'healthy-but-unverified' }, SLOW, undefined, {
      cancel: { afterLine: /^::group::Build and release/ },
    });
    expect(main.signalsSent).toEqual(['SIGINT']);
    expect(main.state.stage).toBe('deploying');
    const post = await main.runPost();
    expect(post.exitCode).toBe(0);
    // The build released after the cancel; post rolled that unverified release back.
    expect(await scenario.liveVersion()).toBe('good');
    const state = scenario.sim.heroku.state(scenario.app);
    expect(state.builds.every((build) => build.status !== 'pending')).toBe(true);
  });

  it('cancelled before the push: nothing changed, the post step does nothing', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const main = await scenario.deploy({ version: 'never' }, SLOW, undefined, {
      cancel: { afterLine: /^::add-mask::/ },
    });
    expect(main.signalsSent).toEqual(['SIGINT']);
    expect(main.exitCode).not.toBe(0);
    expect(main.state.stage).toBeUndefined();
    const post = await main.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toMatch(/nothing to roll back/);
    expect(herokuCalls(scenario.sim, 'POST', /./)).toBe(0);
    expect(await scenario.liveVersion()).toBe('good');
  });

  it('cancelled during the rollback: post finishes it without a second rollback', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    // Five passes 1.5 s apart: verifying the rollback takes at least 6 s, so the cancel sent
    // on "Rolling back" lands inside it even when a loaded machine (two copies of the suite)
    // stalls the runner's reading of that line for seconds (3 s was once not enough).
    const main = await scenario.deploy(
      { version: 'bad', healthStatus: 500 },
      { 'health-interval': '1.5', 'healthy-threshold': '5', 'health-timeout': '9' },
      undefined,
      { cancel: { afterLine: /^Rolling back/ } },
    );
    expect(main.signalsSent).toEqual(['SIGINT']);
    expect(main.state.stage).toBe('deploying');
    const post = await main.runPost();
    expect(post.exitCode).toBe(0);
    expect(await scenario.liveVersion()).toBe('good');
    // The rollback main started went through; post verified it and did not repeat it.
    expect(herokuCalls(scenario.sim, 'POST', /\/releases$/)).toBe(1);
  });

  it('a finished deploy leaves the post step nothing to do', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const main = await scenario.deploy({ version: 'new' });
    expect(main.outputs.result).toBe('deployed');
    const post = await main.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toMatch(/nothing to roll back/);
    expect(await scenario.liveVersion()).toBe('new');
    expect(herokuCalls(scenario.sim, 'POST', /\/releases$/)).toBe(0);
  });
});
