// mode: plan on both platforms: the gate, the snapshot, one poll of the live release, what
// would ship, the rollback target and the settings; no write to any platform API.
import { describe, expect, it } from 'vitest';
import type { FlyScenario } from '../../sim/fly-scenario.js';
import type { Scenario } from '../../sim/scenario.js';
import type { Simulator } from '../../sim/index.js';
import { expectReported } from '../helpers/assert-run.js';
import { useFlyScenarios } from '../helpers/fly-scenario-hooks.js';
import { useScenarios } from '../helpers/scenario-hooks.js';

const scenarios = useScenarios();
const flyScenarios = useFlyScenarios();

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Every write any platform API of the simulator received (Heroku, its blob store, the Fly
 * Machines API and registry; the GitHub API is not one). */
function platformWrites(sim: Pick<Simulator, 'requests' | 'flyRequests'>): string[] {
  return [...sim.requests.filter((request) => request.api !== 'github'), ...sim.flyRequests]
    .filter((request) => WRITES.has(request.method))
    .map((request) => `${request.method} ${request.path}`);
}

describe('mode: plan on Heroku', () => {
  it('says what a deploy would do and writes nothing to the platform', async () => {
    const scenario: Scenario = await scenarios.start({ initial: { version: 'one' } });
    const releasesBefore = scenario.sim.heroku.state(scenario.app).releases.length;
    const result = await scenario.deploy(
      { version: 'two' },
      { mode: 'plan', 'check-string': 'ok' },
    );
    expectReported(result, 'planned', true);
    expect(platformWrites(scenario.sim)).toEqual([]);
    // Something was read: the plan is not empty because nothing was asked.
    expect(scenario.sim.requests.some((request) => request.api === 'heroku')).toBe(true);
    expect(scenario.sim.heroku.state(scenario.app).releases).toHaveLength(releasesBefore);
    expect(await scenario.liveVersion()).toBe('one');
    expect(result.outputs['previous-release']).toMatch(/^v\d+$/);
    expect(result.summary).toContain('What a deploy would do');
    expect(result.summary).toContain(result.sha);
    expect(result.summary).toMatch(/\| source \| \d+ files, [\d.]+ (B|KiB|MiB) from /);
    expect(result.summary).toMatch(/\| live now \| v\d+: HTTP 200 in \d+ ms, passes \|/);
    expect(result.summary).toContain(`| rollback target | ${result.outputs['previous-release']} |`);
    expect(result.summary).toMatch(/\| check-string \| ok \|/);
    expect(result.summary).toMatch(/result `planned`/);
    // The same check sees the writes of a real deploy: its silence above means something.
    expectReported(await scenario.act(), 'deployed');
    expect(platformWrites(scenario.sim)).toContain(`POST /apps/${scenario.app}/builds`);
  });

  it('is refused by the gate like a deploy', async () => {
    const scenario = await scenarios.start();
    scenario.setJobs([{ name: 'test', status: 'completed', conclusion: 'failure' }]);
    const result = await scenario.deploy({ version: 'two' }, { mode: 'plan' });
    expectReported(result, 'refused');
    expect(platformWrites(scenario.sim)).toEqual([]);
  });
});

describe('mode: plan on Fly', () => {
  it('names the image it would ship and touches no machine', async () => {
    const scenario: FlyScenario = await flyScenarios.start({ initial: { version: 'good' } });
    const image = 'registry.fly.io/shop-fly:prebuilt';
    const result = await scenario.deploy({ version: 'two' }, { mode: 'plan', image });
    expectReported(result, 'planned', true);
    expect(platformWrites(scenario.sim)).toEqual([]);
    expect(result.stdout).not.toMatch(/flyctl deploy/);
    expect(result.summary).toContain(`| image | ${image} (no build) |`);
    expect(result.summary).toContain(`| rollback target | ${result.outputs['previous-release']} |`);
    expect(await scenario.liveVersions()).toEqual(['good', 'good', 'good']);
  });

  it('measures the source flyctl would build', async () => {
    const scenario = await flyScenarios.start();
    const result = await scenario.deploy({ version: 'two' }, { mode: 'plan' });
    expectReported(result, 'planned', true);
    expect(platformWrites(scenario.sim)).toEqual([]);
    expect(result.summary).toMatch(/\| source \| \d+ files, /);
    expect(result.summary).toMatch(/\| fly-config \| /);
    expectReported(await scenario.deploy({ version: 'three' }), 'deployed');
    expect(platformWrites(scenario.sim).length).toBeGreaterThan(0);
  });
});
