// dist/index.js with platform: fly against the simulated Machines API and the flyctl stand-in.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLYCTL_DIR, type FlyScenario, flyToml } from '../../sim/fly-scenario.js';
import { expectReported } from '../helpers/assert-run.js';
import { digests, useFlyScenarios } from '../helpers/fly-scenario-hooks.js';

const scenarios = useFlyScenarios();
let scenario: FlyScenario;

function flyRequests(): number {
  return scenario.sim.requests.filter((request) => request.api !== 'github').length;
}

describe('fly deploy', () => {
  it('deploys to 3 machines in 2 regions and verifies each one', async () => {
    scenario = await scenarios.start();
    const before = digests(scenario);
    const result = await scenario.deploy({ version: '2' }, { 'check-string': 'ok' });
    expectReported(result, 'deployed');
    const machines = scenario.state().machines;
    expect(new Set(machines.map((machine) => machine.region))).toEqual(new Set(['ams', 'fra']));
    expect(new Set(digests(scenario)).size).toBe(1);
    expect(digests(scenario)[0]).not.toBe(before[0]);
    expect(await scenario.liveVersions()).toEqual(['2', '2', '2']);
    expect(result.outputs.release).toBe('v2');
    expect(result.outputs['previous-release']).toBe('v1');
    for (const machine of machines) expect(result.summary).toContain(machine.id);
    expect(result.summary).toMatch(
      /### Instances, new release \(the platform's view\): ✓ as expected/,
    );
    // The flyctl command line carries no token (the stand-in prints its arguments).
    expect(result.stdout).toMatch(/flyctl deploy --app shop-fly --config .* --remote-only --yes/);
  });

  it('refuses without a passing test job: no flyctl, no Machines API call', async () => {
    scenario = await scenarios.start();
    scenario.setJobs([{ name: 'test', status: 'completed', conclusion: 'skipped' }]);
    const result = await scenario.deploy({ version: 'never' }, { 'require-jobs': 'test' });
    expectReported(result, 'refused');
    expect(flyRequests()).toBe(0);
    expect(result.stdout).not.toMatch(/flyctl deploy/);
  });

  it('rolls back when one machine turns unhealthy while the public URL is fine', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const before = digests(scenario);
    const result = await scenario.deploy(
      // flyctl's own check of that machine passes (its first two answers), then it fails,
      // long before our polls (4 × 0.5 s) are done and the machines are inspected (Fly checks
      // it every 200 ms).
      { version: 'bad', unhealthyRegion: 'fra', unhealthyAfterChecks: 2 },
      { 'health-interval': '0.5', 'healthy-threshold': '4', 'health-timeout': '6' },
    );
    expectReported(result, 'rolled-back');
    expect(result.annotations[0]?.message).toMatch(/platform disagrees/);
    expect(digests(scenario)).toEqual(before);
    expect(await scenario.liveVersions()).toEqual(['good', 'good', 'good']);
  });

  it('rolls every machine back to its exact previous image when flyctl fails midway', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const before = digests(scenario);
    const result = await scenario.deploy({ version: 'half' }, {}, undefined, {
      extraEnv: { FLY_SIM_FAIL_AFTER_MACHINES: '1' },
    });
    expectReported(result, 'rolled-back');
    expect(result.annotations[0]?.message).toMatch(/flyctl/);
    expect(digests(scenario)).toEqual(before);
    expect(await scenario.liveVersions()).toEqual(['good', 'good', 'good']);
  });

  it('catches a machine that silently stayed on the old image, and rolls back', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const before = digests(scenario);
    const result = await scenario.deploy({ version: 'new' }, {}, undefined, {
      extraEnv: { FLY_SIM_STAY_ON_OLD_IMAGE: '1' },
    });
    expectReported(result, 'rolled-back');
    expect(result.annotations[0]?.message).toMatch(/is started on .*, not on v2/);
    expect(digests(scenario)).toEqual(before);
  });

  it('fails before the gate when flyctl is not on PATH, showing the setup step', async () => {
    scenario = await scenarios.start();
    const withoutFlyctl = (process.env.PATH ?? '')
      .split(path.delimiter)
      .filter((dir) => dir !== FLYCTL_DIR)
      .join(path.delimiter);
    const result = await scenario.deploy({ version: 'x' }, {}, undefined, {
      extraEnv: { PATH: withoutFlyctl },
    });
    expectReported(result, 'failed');
    expect(result.annotations.map((a) => a.message).join('\n')).toContain(
      'uses: superfly/flyctl-actions/setup-flyctl@master',
    );
    expect(scenario.sim.requests).toEqual([]);
  });
});

describe('fly inputs', () => {
  it("refuses a fly.toml with the 'immediate' strategy before any call", async () => {
    scenario = await scenarios.start();
    const result = await scenario.deploy(
      { version: 'x' },
      {},
      {
        'fly.toml': flyToml(scenario.app, 'immediate'),
      },
    );
    expectReported(result, 'failed');
    expect(result.annotations[0]?.message).toMatch(/Input 'fly-config'.*immediate/);
    expect(scenario.sim.requests).toEqual([]);
  });
});

describe('fly tokens', () => {
  it('accepts the macaroon token without its FlyV1 prefix', async () => {
    scenario = await scenarios.start();
    const bare = scenario.sim.fly.token.replace(/^FlyV1 /, '');
    const result = await scenario.deploy({ version: '2' }, { 'api-token': bare });
    expectReported(result, 'deployed');
  });

  it('sends a plain token as Bearer', async () => {
    scenario = await scenarios.start({ token: 'fo1_plainPersonalAccessToken0123456789abc' });
    const result = await scenario.deploy({ version: '2' });
    expectReported(result, 'deployed');
  });
});

describe('fly cancellation', () => {
  it('forwards the cancel to flyctl, waits for it, and post restores every machine', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const before = digests(scenario);
    const main = await scenario.deploy({ version: 'hang' }, {}, undefined, {
      extraEnv: { FLY_SIM_FAIL_AFTER_MACHINES: '', FLY_SIM_HANG: '1' },
      cancel: { afterLine: /Verifying app config/ },
    });
    expect(main.signalsSent[0]).toBe('SIGINT');
    expect(main.outputs.result).toBe('failed');
    expect(main.state.stage).toBe('deploying');
    const post = await main.runPost();
    expect(post.exitCode).toBe(0);
    expect(digests(scenario)).toEqual(before);
    expect(await scenario.liveVersions()).toEqual(['good', 'good', 'good']);
  });
});
