// dist/index.js, platform fly, against what an adversarial review got through (issue 13).
import { describe, expect, it } from 'vitest';
import { expectReported } from '../helpers/assert-run.js';
import { digests, useFlyScenarios } from '../helpers/fly-scenario-hooks.js';

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
