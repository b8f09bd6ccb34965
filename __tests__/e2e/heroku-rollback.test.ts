// dist/index.js against the simulated Heroku: releases that must be rolled back.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../sim/scenario.js';
import { useScenarios } from '../helpers/scenario-hooks.js';
import type { AppConfig } from '../../sim/app-repo.js';
import { expectContractKept, expectReported, herokuCalls } from '../helpers/assert-run.js';

const scenarios = useScenarios();
let scenario: Scenario;

const broken: Array<[string, AppConfig, Record<string, string>, RegExp]> = [
  ['answers 500', { version: 'bad', healthStatus: 500 }, {}, /status 500/],
  [
    'answers the wrong body',
    { version: 'bad', healthBody: 'degraded' },
    { 'check-string': 'ok' },
    /body/,
  ],
  ['flaps', { version: 'bad', flapping: true }, {}, /in a row/],
  // Heroku restarts a crashed dyno at once the first time, then after a cool-off: each boot
  // answers one health check and exits, so it never passes 3 polls in a row.
  [
    'crashes after start',
    { version: 'bad', crashAfterChecks: 1 },
    {},
    /503|refused|unhealthy|crashed/,
  ],
];

describe('heroku rollback', () => {
  it.each(broken)(
    'a release that %s is rolled back and verified',
    async (_label, config, inputs, why) => {
      scenario = await scenarios.start({ initial: { version: 'good' } });
      const result = await scenario.deploy(config, inputs);
      expectReported(result, 'rolled-back');
      expect(result.outputs['rolled-back']).toBe('true');
      expect(await scenario.liveVersion()).toBe('good');
      const error = result.annotations.find((a) => a.level === 'error');
      expect(error?.message).toMatch(why);
      expect(error?.message).toMatch(/rolled back to v\d+, verified healthy/);
      expect(result.summary).toMatch(/verify\srollback \| [^|]+\| [^|]+\| ✓ ok/);
      // The rollback names the release that was current before, not "one back".
      const rollback = scenario.sim.requests.find(
        (request) => request.method === 'POST' && /\/releases$/.test(request.path),
      );
      const before = scenario.sim.heroku
        .state(scenario.app)
        .releases.find((release) => `v${release.version}` === result.outputs['previous-release']);
      expect(rollback?.body).toEqual({ release: before?.id });
      expectContractKept(scenario.sim);
    },
  );

  it('leaves the unhealthy release live with rollback: false, and fails', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'bad', healthStatus: 503 },
      { rollback: 'false' },
    );
    expectReported(result, 'failed');
    expect(result.outputs['rolled-back']).toBe('false');
    // The broken release still serves (its /version answers; its /health does not).
    expect(await scenario.liveVersion()).toBe('bad');
    expect(herokuCalls(scenario.sim, 'POST', /\/releases$/)).toBe(0);
    expect(result.summary).toMatch(/rollback is false/);
    expect(result.summary).toMatch(/heroku releases:rollback v\d+ --app shop-prod/);
  });
});
