// dist/index.js against the simulated Heroku: deploys that should end `deployed`.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../sim/scenario.js';
import { useScenarios } from '../helpers/scenario-hooks.js';
import { expectContractKept, expectReported, herokuCalls } from '../helpers/assert-run.js';

const scenarios = useScenarios();
let scenario: Scenario;

describe('heroku deploy', () => {
  it('deploys a healthy release through sources, build and release', async () => {
    scenario = await scenarios.start();
    const result = await scenario.deploy({ version: '2' }, { 'check-string': 'ok' });
    expectReported(result, 'deployed');
    expect(await scenario.liveVersion()).toBe('2');
    const state = scenario.sim.heroku.state(scenario.app);
    expect(result.outputs.release).toBe(`v${String(state.currentVersion)}`);
    expect(result.outputs['previous-release']).not.toBe(result.outputs.release);
    expect(result.outputs['rolled-back']).toBe('false');
    expect(result.outputs['health-url']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/health$/);
    // The build carried the commit SHA and a checksum of what was uploaded.
    const build = scenario.sim.requests.find(
      (request) => request.method === 'POST' && /\/builds$/.test(request.path),
    );
    expect(build?.body).toMatchObject({
      source_blob: {
        version: result.sha,
        checksum: expect.stringMatching(/^SHA256:[0-9a-f]{64}$/),
      },
    });
    expect(result.summary).toMatch(/### Timeline[\s\S]*push[\s\S]*verify/);
    expect(result.stdout).toContain('::group::Build and release');
    expect(herokuCalls(scenario.sim, 'POST', /\/releases$/)).toBe(0);
    expectContractKept(scenario.sim);
  });

  it('waits for a slow start and then deploys', async () => {
    scenario = await scenarios.start();
    const result = await scenario.deploy({ version: 'slow', startupDelayMs: 1500 });
    expectReported(result, 'deployed');
    expect(await scenario.liveVersion()).toBe('slow');
  });

  it('retries a GET answered 503 and still deploys', async () => {
    scenario = await scenarios.start();
    scenario.sim.heroku.inject({
      method: 'GET',
      path: /^\/apps\/shop-prod$/,
      status: 503,
      times: 2,
    });
    const result = await scenario.deploy({ version: '3' });
    expectReported(result, 'deployed');
    expect(herokuCalls(scenario.sim, 'GET', /^\/apps\/shop-prod$/)).toBe(3);
  });

  it('ships only the committed tree of source-dir', async () => {
    scenario = await scenarios.start();
    // The committed Procfile refuses to start a dyno whose slug holds the untracked file.
    await scenario.repo.commit(
      { version: '4' },
      { Procfile: 'web: test ! -e untracked.txt && exec node server.js\n' },
    );
    const dir = scenario.repo.dir;
    await writeFile(path.join(dir, 'app-config.json'), '{ "version": "uncommitted" }\n');
    await writeFile(path.join(dir, 'untracked.txt'), 'never committed\n');
    const result = await scenario.act({ 'source-dir': '.' });
    expectReported(result, 'deployed');
    expect(await scenario.liveVersion()).toBe('4');
  });
});
