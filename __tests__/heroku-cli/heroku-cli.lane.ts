// The official Heroku CLI reads back what the action left in the simulator: after a deploy,
// a failed release phase and a rollback by the action, `apps:info`, `releases`,
// `releases:info`, `releases:output`, `ps` and `features:info preboot` show the simulator's
// state, and `rollback` (with and without a version) works as on Heroku. `heroku rollback`
// without a version picks what the action's `mode: rollback` picks for the same history.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEROKU_TOKEN, startScenario, type Scenario } from '../../sim/scenario.js';
import { heroku, type CliResult } from './cli.js';

const prebootEnv = { GUARDED_DEPLOY_HEROKU_PREBOOT_WINDOW: '1.5' };
const failingPhase = {
  Procfile: 'web: node server.js\nrelease: echo "migrating the schema" && exit 3\n',
};
const plainProcfile = { Procfile: 'web: node server.js\n' };

let home: string;

/** v2 `one` (seed), v3 `two`, v4 failed release phase, v5 `three` live. */
async function historyWithAFailedRelease(): Promise<Scenario> {
  const scenario = await startScenario({
    initial: { version: 'one' },
    preboot: true,
    appOptions: { prebootWindowMs: 1_000 },
  });
  const runOptions = { extraEnv: prebootEnv };
  expect((await scenario.deploy({ version: 'two' }, {}, {}, runOptions)).outputs.result).toBe(
    'deployed',
  );
  const failed = await scenario.deploy({ version: 'bad' }, {}, failingPhase, runOptions);
  expect(failed.outputs.result).toBe('failed');
  const three = await scenario.deploy({ version: 'three' }, {}, plainProcfile, runOptions);
  expect(three.outputs.result).toBe('deployed');
  return scenario;
}

function cli(scenario: Scenario, ...args: string[]): Promise<CliResult> {
  return heroku([...args, '--app', scenario.app], scenario.sim.herokuApiUrl, HEROKU_TOKEN, home);
}

async function cliJson<T>(scenario: Scenario, ...args: string[]): Promise<T> {
  const result = await cli(scenario, ...args, '--json');
  expect(result.code, `heroku ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as T;
}

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'heroku-cli-home-'));
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('the official Heroku CLI against the simulator', () => {
  it('shows what the action did and rolls back like Heroku', async () => {
    const scenario = await historyWithAFailedRelease();
    try {
      const state = scenario.sim.heroku.state(scenario.app);
      const live = state.releases.find((release) => release.current);

      const info = await cliJson<{ app: { name: string; web_url: string } }>(scenario, 'apps:info');
      expect(info.app).toMatchObject({ name: scenario.app, web_url: state.webUrl });

      const releases = await cliJson<Array<{ version: number; status: string; current: boolean }>>(
        scenario,
        'releases',
      );
      expect(releases.map((r) => [r.version, r.status, r.current])).toEqual(
        [...state.releases].reverse().map((r) => [r.version, r.status, r.current]),
      );
      const text = await cli(scenario, 'releases');
      expect(text.stdout).toContain(`Current: v${String(live?.version)}`);
      expect(text.stdout).toMatch(/v4\s+.*release command failed/);

      const one = await cli(scenario, 'releases:info', 'v4');
      expect(one.code, one.stderr).toBe(0);
      expect(one.stdout).toMatch(/Release v4/);
      expect(one.stdout).toMatch(/release command failed/);

      const output = await cli(scenario, 'releases:output', 'v4');
      expect(output.stdout).toContain('migrating the schema');

      const dynos = await cliJson<
        Array<{ name: string; state: string; release: { version: number } }>
      >(scenario, 'ps');
      expect(dynos).toEqual([
        expect.objectContaining({
          name: 'web.1',
          state: 'up',
          release: expect.objectContaining({ version: live?.version }),
        }),
      ]);
      const preboot = await cliJson<{ name: string; enabled: boolean }>(
        scenario,
        'features:info',
        'preboot',
      );
      expect(preboot).toMatchObject({ name: 'preboot', enabled: true });

      // The action's own rollback, then the CLI's with a version back to `three`.
      const rolled = await scenario.act({ mode: 'rollback' }, { extraEnv: prebootEnv });
      expect(rolled.outputs.result, rolled.summary).toBe('rolled-back');
      expect(await scenario.liveVersion()).toBe('two');
      const after = await cliJson<
        Array<{ version: number; description: string; current: boolean }>
      >(scenario, 'releases');
      expect(after[0]).toMatchObject({ version: 6, current: true, description: 'Rollback to v3' });

      const back = await cli(scenario, 'rollback', 'v5');
      expect(back.code, back.stderr).toBe(0);
      expect(scenario.sim.heroku.state(scenario.app).releases.at(-1)?.description).toBe(
        'Rollback to v5',
      );
      // Every answer the CLI got, the new endpoints included, matches the official schema.
      expect(scenario.sim.contractViolations).toEqual([]);
    } finally {
      await scenario.close();
    }
  });

  it('`heroku rollback` without a version picks what `mode: rollback` picks', async () => {
    const byCli = await historyWithAFailedRelease();
    const byAction = await historyWithAFailedRelease();
    try {
      const rollback = await cli(byCli, 'rollback');
      expect(rollback.code, rollback.stderr).toBe(0);
      const cliChoice = byCli.sim.heroku.state(byCli.app).releases.at(-1)?.description;

      const result = await byAction.act({ mode: 'rollback' }, { extraEnv: prebootEnv });
      expect(result.outputs.result, result.summary).toBe('rolled-back');
      const actionChoice = byAction.sim.heroku.state(byAction.app).releases.at(-1)?.description;

      // The release right before the live one (v4) failed: both go to v3.
      expect(cliChoice).toBe('Rollback to v3');
      expect(actionChoice).toBe(cliChoice);
    } finally {
      await byCli.close();
      await byAction.close();
    }
  });
});
