// dist/index.js rolling back a blue/green Fly deploy after flyctl's late phase destroyed blue:
// the action's own verdict condemns green, blue comes back from the snapshot and serves before
// any green machine goes, a machine just created that reads 404 is waited for, and a machine
// whose host became unreachable is never destroyed and never counts as verified.
import { describe, expect, it } from 'vitest';
import type { FlyScenario, FlyScenarioOptions } from '../../sim/fly-scenario.js';
import type { FlyAppState } from '../../sim/fly/index.js';
import { USER_AGENT } from '../../src/io/version.js';
import { expectReported } from '../helpers/assert-run.js';
import { digests, useFlyScenarios } from '../helpers/fly-scenario-hooks.js';

const scenarios = useFlyScenarios();

/** Green answers /health with 200 (Fly's checks pass, flyctl completes) but without what
 * `check-string` asks for: only the action's own verdict condemns it. */
const GREEN = { version: 'green', healthBody: '{"status":"degraded"}' };
const INPUTS = { 'check-string': '"status":"ok"' };
const BLUEGREEN: FlyScenarioOptions = {
  initial: { version: 'good' },
  strategy: 'bluegreen',
  appOptions: { bluegreen: true },
};
/** flyctl's two late-phase waits, shortened (FLY_SIM_BLUEGREEN_WAIT_MS). */
const FAST_LATE_PHASE = { FLY_SIM_BLUEGREEN_WAIT_MS: '300' };

/** Machines Fly's proxy would route to: started, not cordoned, every check passing. */
function serving(state: FlyAppState): number {
  return state.machines.filter(
    (machine) =>
      machine.state === 'started' &&
      !machine.cordoned &&
      machine.checks.length > 0 &&
      machine.checks.every((check) => check.status === 'passing'),
  ).length;
}

/** The fewest serving machines seen while `run` goes on, sampled every 20 ms. */
async function fewestServing<T>(
  scenario: FlyScenario,
  run: () => Promise<T>,
): Promise<{ result: T; fewest: number }> {
  let fewest = serving(scenario.state());
  const timer = setInterval(() => {
    fewest = Math.min(fewest, serving(scenario.state()));
  }, 20);
  try {
    return { result: await run(), fewest };
  } finally {
    clearInterval(timer);
  }
}

/** The action's own requests to the Machines API (flyctl's carry no such user agent). */
function actionRequests(scenario: FlyScenario) {
  return scenario.sim.flyRequests.filter((request) =>
    (request.headers['user-agent'] ?? '').includes(USER_AGENT),
  );
}

describe('bluegreen: our unhealthy verdict after the late phase destroyed blue', () => {
  it('recreates blue from the snapshot, serving, before any green machine goes; never fewer serving', async () => {
    const scenario = await scenarios.start(BLUEGREEN);
    const before = scenario.state().machines;
    const servingBefore = serving(scenario.state());
    expect(servingBefore).toBe(3);
    const { result, fewest } = await fewestServing(scenario, () =>
      scenario.deploy(GREEN, INPUTS, undefined, { extraEnv: FAST_LATE_PHASE }),
    );
    expectReported(result, 'rolled-back');
    expect(result.stdout).toMatch(/Destroying all blue machines/);
    // Each blue machine recreated (and serving) before the first green machine is destroyed.
    const lines = result.stdout.split('\n');
    const recreated = lines.flatMap((line, index) => (/recreated as/.test(line) ? [index] : []));
    const firstGreenGone = lines.findIndex((line) => /created by the deploy, destroyed/.test(line));
    expect(recreated).toHaveLength(3);
    expect(firstGreenGone).toBeGreaterThan(Math.max(...recreated));
    expect(fewest).toBeGreaterThanOrEqual(servingBefore);
    // Back from the snapshot: the exact image, in the same regions, blue's ids gone for good.
    const after = scenario.state().machines;
    expect(digests(scenario)).toEqual(before.map((machine) => machine.digest));
    expect(after.map((machine) => machine.region).sort()).toEqual(
      before.map((machine) => machine.region).sort(),
    );
    expect(scenario.state().destroyed).toEqual(
      expect.arrayContaining(before.map((machine) => machine.id)),
    );
    expect(await scenario.liveVersions()).toEqual(['good', 'good', 'good']);
    expect(serving(scenario.state())).toBe(3);
  });

  it('waits out a recreated machine that reads 404 right after its creation', async () => {
    const scenario = await scenarios.start(BLUEGREEN);
    const before = digests(scenario);
    const result = await scenario.deploy(GREEN, INPUTS, undefined, {
      extraEnv: FAST_LATE_PHASE,
      // From the moment flyctl is done, a machine just created reads 404 for 1.5 s.
      onLine: (line) => {
        if (/flyctl finished/.test(line)) {
          scenario.sim.fly.setCreateVisibilityLag(scenario.app, 1_500);
        }
      },
    });
    expectReported(result, 'rolled-back');
    const created = actionRequests(scenario).filter(
      (request) => request.method === 'POST' && /\/machines$/.test(request.path),
    );
    expect(created).toHaveLength(3);
    const notVisibleYet = actionRequests(scenario).filter(
      (request) => request.status === 404 && /\/wait\?/.test(request.path),
    );
    expect(notVisibleYet.length).toBeGreaterThan(0);
    expect(digests(scenario)).toEqual(before);
  });
});

describe('bluegreen: a green machine whose host became unreachable', () => {
  it('is never destroyed by the rollback and counts as not verified', async () => {
    const scenario = await scenarios.start(BLUEGREEN);
    const blue = scenario.state().machines.map((machine) => machine.id);
    let unreachable = '';
    const result = await scenario.deploy({ version: 'green' }, INPUTS, undefined, {
      extraEnv: FAST_LATE_PHASE,
      onLine: (line) => {
        if (!/flyctl finished/.test(line) || unreachable !== '') return;
        unreachable = scenario.state().machines.find((m) => !blue.includes(m.id))?.id ?? '';
        scenario.sim.fly.setHostUnreachable(scenario.app, unreachable, true);
      },
    });
    expect(unreachable).not.toBe('');
    expectReported(result, 'failed');
    expect(result.stdout).toContain(`${unreachable}: its host is unreachable; kept, not destroyed`);
    expect(result.summary).toMatch(/host is unreachable/);
    // Never destroyed, by anyone, and no call of the action changed it.
    expect(scenario.state().machines.map((machine) => machine.id)).toContain(unreachable);
    const touched = actionRequests(scenario).filter(
      (request) => request.method !== 'GET' && request.path.includes(unreachable),
    );
    expect(touched).toEqual([]);
    // Blue recreated once per saved machine, however many rollback attempts ran.
    const created = actionRequests(scenario).filter(
      (request) => request.method === 'POST' && /\/machines$/.test(request.path),
    );
    expect(created).toHaveLength(3);
  });
});
