// dist/index.js, platform fly, against what an adversarial review got through (issue 13).
import { describe, expect, it } from 'vitest';
import { flyToml } from '../../sim/fly-scenario.js';
import { expectReported } from '../helpers/assert-run.js';
import { digests, useFlyScenarios } from '../helpers/fly-scenario-hooks.js';
import { commandPrintingScript, expectNoneActed } from '../helpers/workflow-commands.js';

const scenarios = useFlyScenarios();

describe('fly mode: rollback with to-release (issue 13 item 13)', () => {
  it('refuses an image the app never ran, lists known ones, and changes nothing', async () => {
    const scenario = await scenarios.start({ initial: { version: 'good' } });
    const before = digests(scenario);
    const result = await scenario.deploy(
      { version: 'unused' },
      {
        mode: 'rollback',
        'to-release': 'docker.io/someone/else:latest',
      },
    );
    expectReported(result, 'failed');
    const message = result.annotations.at(-1)?.message ?? '';
    expect(message).toMatch(/to-release docker\.io\/someone\/else:latest is no image .* have run/);
    expect(message).toMatch(/known: registry\.fly\.io\/shop-fly/);
    expect(digests(scenario)).toEqual(before);
    // The Machines API and the registry record in flyRequests, the rest in requests.
    const writes = [...scenario.sim.requests, ...scenario.sim.flyRequests].filter(
      (request) => request.api !== 'github' && request.method !== 'GET',
    );
    // Reads did reach the Machines API: the check looks where Fly calls are recorded.
    expect(scenario.sim.flyRequests.some((request) => request.api === 'fly')).toBe(true);
    expect(writes).toEqual([]);
  });
});

describe('fly mode: rollback with to-release, an image the app ran (issue 13 item 13)', () => {
  it('rolls back to it', async () => {
    const scenario = await scenarios.start({ initial: { version: 'good' } });
    const before = digests(scenario);
    const image = scenario.state().machines[0]?.image ?? '';
    expect(image).toMatch(/^registry\.fly\.io\//);
    expectReported(await scenario.deploy({ version: 'two' }), 'deployed');
    expect(digests(scenario)).not.toEqual(before);
    const result = await scenario.act({ mode: 'rollback', 'to-release': image });
    expectReported(result, 'rolled-back', true);
    expect(digests(scenario)).toEqual(before);
    expect(await scenario.liveVersions()).toEqual(['good', 'good', 'good']);
  });
});

describe('flyctl output (issue 13 item 5)', () => {
  it('echoes what flyctl prints as text: no workflow command from the app acts', async () => {
    const scenario = await scenarios.start({
      toml: (app) =>
        flyToml(app).replace('[deploy]', '[deploy]\n  release_command = "node release.js"'),
    });
    const result = await scenario.deploy(
      { version: '2' },
      {},
      { 'release.js': commandPrintingScript('release command', ['process.exit(3);']) },
    );
    expectReported(result, 'failed');
    // flyctl shows a failed release command's lines, which reach the log as text only.
    expect(result.stdout).toMatch(/^ {2}::error::from the release command$/m);
    expectNoneActed(result, 'release command');
  });
});
