// Many apps in one workflow: two matrix legs deploy two apps of one account at the same time,
// against one simulator. One is healthy, one is not; each outcome stays inside its own app.
import { afterEach, describe, expect, it } from 'vitest';
import { type Scenario, startScenario } from '../../sim/scenario.js';
import type { RecordedRequest } from '../../sim/types.js';
import { expectReported, herokuCalls } from '../helpers/assert-run.js';
import { checkScenario } from '../helpers/scenario-hooks.js';

const started: Scenario[] = [];

afterEach(async () => {
  // The first scenario owns the simulator: close the others before it.
  const scenarios = started.splice(0).reverse();
  try {
    for (const scenario of scenarios) checkScenario(scenario);
  } finally {
    for (const scenario of scenarios) await scenario.close();
  }
});

function appRequests(requests: readonly RecordedRequest[], app: string): RecordedRequest[] {
  return requests.filter(
    (request) => request.api === 'heroku' && request.path.startsWith(`/apps/${app}/`),
  );
}

/** [first, last] arrival of the requests, epoch ms. */
function span(requests: readonly RecordedRequest[]): [number, number] {
  const times = requests.map((request) => request.receivedAt ?? 0);
  return [Math.min(...times), Math.max(...times)];
}

describe('many apps, one workflow', () => {
  it('deploys one app and rolls back the other, at once, neither touching the other', async () => {
    const healthy = await startScenario({ app: 'shop-eu', initial: { version: 'eu-one' } });
    started.push(healthy);
    const broken = await startScenario({
      app: 'shop-us',
      initial: { version: 'us-one' },
      sim: healthy.sim,
    });
    started.push(broken);
    const environment = (app: string): Record<string, string> => ({
      environment: `production-${app}`,
    });

    const [deployed, rolledBack] = await Promise.all([
      healthy.deploy({ version: 'eu-two' }, environment('shop-eu')),
      broken.deploy({ version: 'us-bad', healthStatus: 500 }, environment('shop-us')),
    ]);

    expectReported(deployed, 'deployed');
    expectReported(rolledBack, 'rolled-back');
    expect(await healthy.liveVersion()).toBe('eu-two');
    expect(await broken.liveVersion()).toBe('us-one');

    // The two deploys ran side by side: each app's API traffic overlaps the other's.
    const sim = healthy.sim;
    const [euFirst, euLast] = span(appRequests(sim.requests, 'shop-eu'));
    const [usFirst, usLast] = span(appRequests(sim.requests, 'shop-us'));
    expect(euFirst).toBeLessThan(usLast);
    expect(usFirst).toBeLessThan(euLast);

    // The rollback of shop-us released nothing on shop-eu: its one new release is still live.
    const after = (app: string, label: string | undefined): string[] =>
      sim.heroku
        .state(app)
        .releases.filter((release) => `v${release.version}` !== label)
        .filter((release) => release.version > Number((label ?? 'v0').slice(1)))
        .map((release) => `v${release.version}${release.current ? ' live' : ''}`);
    expect(after('shop-eu', deployed.outputs['previous-release'])).toEqual([
      `${deployed.outputs.release ?? '?'} live`,
    ]);
    expect(herokuCalls(sim, 'POST', /^\/apps\/shop-eu\/releases$/)).toBe(0);
    // shop-us: the bad release, then the re-release of the one before it.
    expect(after('shop-us', rolledBack.outputs['previous-release'])).toHaveLength(2);
    expect(herokuCalls(sim, 'POST', /^\/apps\/shop-us\/releases$/)).toBe(1);

    // Each app's deployment history is its own.
    const history = (app: string): string[] =>
      sim.github
        .deployments('acme', 'shop')
        .filter((deployment) => deployment.environment === `production-${app}`)
        .flatMap((deployment) => deployment.statuses.map((status) => status.state));
    expect(history('shop-eu')).toContain('success');
    expect(history('shop-eu')).not.toContain('failure');
    expect(history('shop-us')).toContain('failure');
  });
});
