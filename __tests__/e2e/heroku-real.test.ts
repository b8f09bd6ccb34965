// dist/index.js against the simulated Heroku as it really behaves: expired releases in the
// history, the preboot window, rollback targets past failed releases, crashing dynos.
import { describe, expect, it } from 'vitest';
import { HEROKU_TOKEN, type Scenario } from '../../sim/scenario.js';
import { useScenarios } from '../helpers/scenario-hooks.js';
import { expectReported, herokuCalls } from '../helpers/assert-run.js';

const scenarios = useScenarios();
let scenario: Scenario;

const failingReleasePhase = {
  Procfile: 'web: node server.js\nrelease: node -e "process.exit(3)"\n',
};
const withReleasePhase = { Procfile: 'web: node server.js\nrelease: echo migrated\n' };
/** The action's preboot window, scaled down like the simulator's (see the README). */
const prebootEnv = { GUARDED_DEPLOY_HEROKU_PREBOOT_WINDOW: '3' };

interface ReleaseJson {
  id: string;
  version: number;
  eligible_for_rollback: boolean;
}

/** What `heroku rollback` (no version) would pick now: the second release marked eligible
 * among the ten newest (heroku/cli src/lib/releases/releases.ts, findByPreviousOrId). */
async function cliRollbackChoice(s: Scenario): Promise<string | undefined> {
  const response = await fetch(`${s.sim.herokuApiUrl}/apps/${s.app}/releases`, {
    headers: {
      accept: 'application/vnd.heroku+json; version=3.sdk',
      authorization: `Bearer ${HEROKU_TOKEN}`,
      range: 'version ..; max=10, order=desc',
    },
  });
  const releases = (await response.json()) as ReleaseJson[];
  const pick = releases.filter((release) => release.eligible_for_rollback)[1];
  return pick === undefined ? undefined : `v${pick.version}`;
}

describe('heroku release history as it really is', () => {
  it('deploys with an expired release in the history', async () => {
    scenario = await scenarios.start({ initial: { version: 'one' } });
    await scenario.deploy({ version: 'two' });
    // v2 is the seeded release; Fir-generation apps expire old releases like it.
    scenario.sim.heroku.expireRelease(scenario.app, 2);
    const result = await scenario.deploy({ version: 'three' });
    expectReported(result, 'deployed');
    expect(await scenario.liveVersion()).toBe('three');
    expect(scenario.sim.heroku.state(scenario.app).releases.map((r) => r.status)).toContain(
      'expired',
    );
  });

  it('mode: rollback goes past a failed release to the last good one, as `heroku rollback`', async () => {
    scenario = await scenarios.start({ initial: { version: 'one' } });
    await scenario.deploy({ version: 'two' });
    const failed = await scenario.deploy({ version: 'bad' }, {}, failingReleasePhase);
    expect(failed.outputs.result).toBe('failed');
    const live = await scenario.deploy(
      { version: 'three' },
      {},
      { Procfile: 'web: node server.js\n' },
    );
    expectReported(live, 'deployed');
    const before = scenario.sim.heroku.state(scenario.app).releases;
    // The release right before the live one failed: the last good one is `two`.
    expect(before.at(-2)?.status).toBe('failed');
    const cliChoice = await cliRollbackChoice(scenario);
    const result = await scenario.act({ mode: 'rollback' });
    expectReported(result, 'rolled-back', true);
    expect(result.outputs.release).toBe(cliChoice);
    expect(result.outputs.release).toBe(live.outputs['previous-release']);
    expect(await scenario.liveVersion()).toBe('two');
    // Only ranges the API supports: start-open, ordered, bounded.
    const ranges = scenario.sim.requests
      .filter((r) => r.api === 'heroku' && /\/releases$/.test(r.path) && r.method === 'GET')
      .map((r) => r.headers.range ?? '');
    expect(ranges.filter((range) => /^version \.\.\d/.test(range))).toEqual([]);
  });

  it('streams the release phase from its own host without the API token', async () => {
    scenario = await scenarios.start({
      initial: { version: 'one' },
      appOptions: { releaseStartDelayMs: 300 },
    });
    const result = await scenario.deploy({ version: 'two' }, {}, withReleasePhase);
    expectReported(result, 'deployed');
    // The first read came before the release command started (404); the output is read once
    // the release is decided, as `heroku releases:output` would.
    expect(result.stdout).toMatch(/^migrated$/m);
    const streams = scenario.sim.requests.filter((r) => r.api === 'stream');
    expect(streams.length).toBeGreaterThan(0);
    for (const request of streams) {
      expect(request.headers.authorization).toBeUndefined();
      expect(JSON.stringify(request.headers)).not.toContain(HEROKU_TOKEN);
    }
  });
});

describe('heroku preboot window', () => {
  it('never counts the old release: a new release answering 500 is rolled back', async () => {
    scenario = await scenarios.start({
      initial: { version: 'one' },
      preboot: true,
      appOptions: { prebootWindowMs: 2_000 },
    });
    const result = await scenario.deploy(
      { version: 'broken', healthStatus: 500 },
      {},
      {},
      { extraEnv: prebootEnv },
    );
    expectReported(result, 'rolled-back');
    expect(result.outputs['rolled-back']).toBe('true');
    expect(result.stdout).toMatch(/not counted: within the preboot window/);
    expect(result.summary).toMatch(/Preboot is enabled/);
    expect(await scenario.liveVersion()).toBe('one');
  });

  it('without version-url counts passes only after the window and says so in the summary', async () => {
    scenario = await scenarios.start({
      initial: { version: 'one' },
      preboot: true,
      appOptions: { prebootWindowMs: 2_000 },
    });
    const result = await scenario.deploy({ version: 'two' }, {}, {}, { extraEnv: prebootEnv });
    expectReported(result, 'deployed');
    expect(await scenario.liveVersion()).toBe('two');
    expect(result.summary).toMatch(
      /counted only after the 3(\.0)? s preboot window \(which release answered is unknown without version-url\)/,
    );
  });

  it('with version-url judges at once and says the new release answered', async () => {
    scenario = await scenarios.start({
      initial: { version: 'one' },
      preboot: true,
      appOptions: { prebootWindowMs: 2_000 },
    });
    const result = await scenario.deploy(
      { version: 'two' },
      {
        'version-url': `${scenario.sim.heroku.state(scenario.app).webUrl}version`,
        'expected-version': 'two',
      },
      {},
      { extraEnv: prebootEnv },
    );
    expectReported(result, 'deployed');
    expect(result.stdout).toMatch(/the old release answered/);
    expect(result.summary).toMatch(/the new release answered \(version-url showed "two"\)/);
  });
});

describe('heroku dynos that boot slowly or crash', () => {
  it('deploys a dyno that boots past the router boot timeout but within health-timeout', async () => {
    // Scaled down (Heroku: 40 s to boot, the router's H20 after 75 s, the health-timeout
    // longer): the router gives up on the booting dyno after 0.5 s, it takes 2.5 s to boot,
    // health-timeout is 10 s. The 503s are failed polls, not a verdict.
    scenario = await scenarios.start({
      initial: { version: 'one' },
      appOptions: { bootTimeoutMs: 500 },
    });
    const result = await scenario.deploy(
      { version: 'slow', startupDelayMs: 2_500 },
      { 'health-timeout': '10' },
    );
    expectReported(result, 'deployed');
    expect(result.stdout).toMatch(/^poll 1: 503 in \d+ ms/m);
    expect(result.outputs.verdict).toBe('healthy');
    expect(await scenario.liveVersion()).toBe('slow');
  });

  it('calls a crashing release crashed and rolls it back', async () => {
    scenario = await scenarios.start({
      initial: { version: 'one' },
      appOptions: { crashRestartMs: 500 },
    });
    const result = await scenario.deploy({ version: 'crash', startupDelayMs: 50, crashAfterMs: 0 });
    expectReported(result, 'rolled-back');
    // The verdict says why, not only that time ran out.
    expect(result.annotations.at(-1)?.message).toMatch(/web\.1 (is )?crashed/);
    expect(await scenario.liveVersion()).toBe('one');
  });
});

describe('heroku releases without a slug (Fir generation)', () => {
  it('snapshots, rolls back and recognises the restored image', async () => {
    scenario = await scenarios.start({
      initial: { version: 'one' },
      appOptions: { generation: 'fir' },
    });
    // The rollback is made but its answer is lost: the next attempt must recognise the
    // restored image as the target, not roll back a second time.
    scenario.sim.heroku.inject({
      method: 'POST',
      path: /\/releases$/,
      afterHandling: true,
      reset: true,
    });
    const result = await scenario.deploy({ version: 'broken', healthStatus: 500 });
    expectReported(result, 'rolled-back');
    expect(result.annotations.at(-1)?.message).toMatch(/rolled back to v2, verified healthy/);
    expect(result.summary).toMatch(/v2 was live already/);
    expect(herokuCalls(scenario.sim, 'POST', /\/releases$/)).toBe(1);
    expect(await scenario.liveVersion()).toBe('one');
  });
});
