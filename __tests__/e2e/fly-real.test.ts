// dist/index.js on Fly apps as Fly runs them: one as `fly launch` writes it (auto-stop on, no
// checks, 2 machines) and one with checks, a worker group without checks and a standby.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  type FlyScenario,
  type FlyScenarioOptions,
  flyLaunchToml,
  flyToml,
  flyWorkerToml,
} from '../../sim/fly-scenario.js';
import { expectReported } from '../helpers/assert-run.js';
import { digests, useFlyScenarios } from '../helpers/fly-scenario-hooks.js';

const scenarios = useFlyScenarios();
let scenario: FlyScenario;
const simLines: string[] = [];

/** The app `fly launch` makes: 2 machines in one region, the proxy's autostop round quick. */
function launchApp(): FlyScenarioOptions {
  simLines.length = 0;
  return {
    toml: flyLaunchToml,
    appOptions: { machines: 2, regions: ['ams'], autoStopEveryMs: 500 },
    simLog: (line) => simLines.push(line),
  };
}

/** 2 web machines with checks, 1 worker (no service, no checks) with a standby; flaps' compat
 * checks reported critical, so counting them would fail every machine. */
function workerApp(initial = 'initial'): FlyScenarioOptions {
  return {
    initial: { version: initial },
    toml: flyWorkerToml,
    appOptions: { machines: 2, workers: 1, standbys: true, compatChecks: 'critical' },
  };
}

/** Polls (bounded) until `done`; the wait is on the simulator's own machines. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let count = 0; count < 200; count += 1) {
    if (done()) return;
    await sleep(50);
  }
  throw new Error(`not reached in 10 s: ${what}`);
}

/** On a failure, what a step said (its debug lines left out, the last 60). */
function saidBy(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::debug'))
    .slice(-60)
    .join('\n');
}

describe('fly launch app: auto-stop on, no checks, 2 machines', () => {
  it('deploys; a machine the proxy stopped is updated without starting and passes', async () => {
    scenario = await scenarios.start(launchApp());
    await until(
      () => scenario.state().machines.some((entry) => entry.state === 'stopped'),
      'the proxy stops a machine',
    );
    const before = digests(scenario);
    const result = await scenario.deploy({ version: '2' }, { 'check-string': 'ok' });
    expectReported(result, 'deployed');
    expect(simLines.some((line) => line.includes('fly-proxy: autostop'))).toBe(true);
    expect(new Set(digests(scenario)).size).toBe(1);
    expect(digests(scenario)[0]).not.toBe(before[0]);
    expect(result.summary).toMatch(
      /### Instances, new release \(the platform's view\): ✓ as expected/,
    );
  });

  it('fails without deploying when flyctl exits 0 having changed nothing', async () => {
    scenario = await scenarios.start(launchApp());
    const before = digests(scenario);
    const result = await scenario.deploy({ version: '2' }, {}, undefined, {
      extraEnv: { FLY_SIM_CHANGE_NOTHING: '1' },
    });
    expectReported(result, 'failed');
    expect(result.annotations[0]?.message).toMatch(/flyctl exited 0 but changed nothing/);
    expect(digests(scenario)).toEqual(before);
  });
});

describe('app with checks, a worker group without checks, and a standby', () => {
  it('deploys; the worker passes without checks, the standby stays unstarted', async () => {
    scenario = await scenarios.start(workerApp());
    const standby = scenario.state().machines.find((entry) => entry.standbys.length > 0);
    expect(standby?.state).toBe('created');
    const result = await scenario.deploy({ version: '2' }, { 'check-string': 'ok' });
    expectReported(result, 'deployed');
    const after = scenario.state().machines;
    expect(new Set(after.map((entry) => entry.digest)).size).toBe(1);
    const standbyAfter = after.find((entry) => entry.id === standby?.id);
    expect(standbyAfter?.state).not.toBe('started');
    const worker = after.find(
      (entry) => entry.metadata.fly_process_group === 'worker' && entry.standbys.length === 0,
    );
    expect(worker?.state).toBe('started');
  });

  it('a cancelled deploy: the post step settles with a standby in created and restores', async () => {
    scenario = await scenarios.start(workerApp('good'));
    const before = digests(scenario);
    const main = await scenario.deploy({ version: 'hang' }, {}, undefined, {
      extraEnv: { FLY_SIM_HANG: '1' },
      cancel: { afterLine: /Verifying app config/ },
    });
    expect(main.outputs.result).toBe('failed');
    const post = await main.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).not.toMatch(/still changing/);
    expect(digests(scenario)).toEqual(before);
    expect(scenario.state().machines.find((entry) => entry.standbys.length > 0)?.state).toBe(
      'created',
    );
  });

  it('rolls a failed deploy back: exact images, the standby not started', async () => {
    scenario = await scenarios.start(workerApp('good'));
    const before = digests(scenario);
    const result = await scenario.deploy({ version: 'half' }, {}, undefined, {
      extraEnv: { FLY_SIM_FAIL_AFTER_MACHINES: '3' },
    });
    expectReported(result, 'rolled-back');
    expect(digests(scenario)).toEqual(before);
    const standby = scenario.state().machines.find((entry) => entry.standbys.length > 0);
    expect(standby?.state).not.toBe('started');
  });
});

describe('release_command', () => {
  it('a failing one stops flyctl before any machine changes; the run fails, nothing to undo', async () => {
    scenario = await scenarios.start({
      toml: (app) => flyToml(app).replace('[deploy]', '[deploy]\n  release_command = "false"'),
    });
    const before = scenario.state().machines.map((entry) => entry.instanceId);
    const result = await scenario.deploy({ version: '2' });
    expectReported(result, 'failed');
    expect(result.everything).toMatch(/release command failed - aborting deployment/);
    expect(result.outputs['rolled-back']).toBe('false');
    expect(scenario.state().machines.map((entry) => entry.instanceId)).toEqual(before);
  });
});

describe('rollback restores the exact image', () => {
  it('a tag re-pushed with other content does not come back', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' }, seedLabel: 'gd-release-1' });
    const before = digests(scenario);
    // Someone re-pushes the live tag with other content (a re-run, a mutable tag).
    await scenario.repo.commit({ version: 'impostor' });
    await scenario.sim.fly.buildImage(scenario.app, scenario.repo.dir, 'gd-release-1');
    const result = await scenario.deploy({ version: 'bad' }, {}, undefined, {
      extraEnv: { FLY_SIM_FAIL_AFTER_MACHINES: '1' },
    });
    expectReported(result, 'rolled-back');
    expect(digests(scenario)).toEqual(before);
    expect(await scenario.liveVersions()).toEqual(['good', 'good', 'good']);
  });
});

describe('hosts and leases', () => {
  it('names a machine on an unreachable host; flyctl replaces it and the deploy verifies', async () => {
    scenario = await scenarios.start();
    const unreachable = scenario.state().machines[2]?.id ?? '';
    scenario.sim.fly.setHostUnreachable(scenario.app, unreachable, true);
    // The replacement reads as 404 for a moment, as a machine just created can.
    scenario.sim.fly.setCreateVisibilityLag(scenario.app, 1_000);
    const result = await scenario.deploy({ version: '2' }, { 'check-string': 'ok' });
    expectReported(result, 'deployed');
    expect(result.stdout).toContain(`Fly cannot reach the host of ${unreachable}`);
    expect(scenario.state().destroyed).toContain(unreachable);
    expect(scenario.state().machines).toHaveLength(3);
    expect(new Set(digests(scenario)).size).toBe(1);
  });

  it('a cancelled canary keeps its lease for --wait-timeout; the post step waits it out', async () => {
    scenario = await scenarios.start({
      initial: { version: 'good' },
      toml: (app) => flyToml(app, 'canary').replace('wait_timeout = "15s"', 'wait_timeout = "30s"'),
    });
    const before = digests(scenario);
    const main = await scenario.deploy({ version: 'canary' }, {}, undefined, {
      cancel: { afterLine: /canary created/ },
    });
    expect(main.outputs.result).toBe('failed');
    const post = await main.runPost();
    expect(post.exitCode).toBe(0);
    // The first attempt waits for the lease to expire instead of giving up on it.
    expect(post.stdout).not.toMatch(/Rollback attempt 1 of 3 failed/);
    expect(digests(scenario), saidBy(post.stdout)).toEqual(before);
    expect(scenario.state().machines).toHaveLength(3);
  });
});

describe('bluegreen late phase', () => {
  it('cancelled after blue was cordoned and stopped: post brings blue back before green goes', async () => {
    scenario = await scenarios.start({
      initial: { version: 'good' },
      strategy: 'bluegreen',
      appOptions: { bluegreen: true },
    });
    const before = digests(scenario);
    const blue = scenario.state().machines.map((entry) => entry.id);
    const main = await scenario.deploy({ version: 'green' }, {}, undefined, {
      extraEnv: { FLY_SIM_BLUEGREEN_WAIT_MS: '300' },
      cancel: { afterLine: /Stopping all blue machines/ },
    });
    expect(main.outputs.result).toBe('failed');
    const post = await main.runPost();
    expect(post.exitCode).toBe(0);
    expect(post.stdout).toMatch(/back in service/);
    const after = scenario.state().machines;
    expect(
      after.map((entry) => entry.id),
      saidBy(post.stdout),
    ).toEqual(blue);
    expect(digests(scenario)).toEqual(before);
    expect(after.every((entry) => entry.state === 'started' && !entry.cordoned)).toBe(true);
  });
});
