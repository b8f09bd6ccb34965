// The Fly scenario's starting point: 3 machines in 2 regions running the seeded checkout,
// reachable through the public proxy and one by one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlyScenario } from '../../sim/fly-scenario.js';
import type { FlyScenario } from '../../sim/fly-scenario.js';

let scenario: FlyScenario;

beforeAll(async () => {
  scenario = await startFlyScenario({ app: 'scenario-app', initial: { version: 'seeded' } });
});

afterAll(async () => {
  await scenario?.close();
});

describe('Fly scenario', () => {
  it('starts with release v1 on 3 healthy machines in ams and fra', async () => {
    const { machines } = scenario.state();
    expect(machines.map((m) => m.region).sort()).toEqual(['ams', 'ams', 'fra']);
    const sha = machines[0]?.labels.GH_SHA;
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    for (const machine of machines) {
      expect(machine.metadata.fly_release_version).toBe('1');
      expect(machine.labels.GH_SHA).toBe(sha);
      expect(machine.checks).toEqual([
        { name: 'servicecheck-00-http-8080', status: 'passing', output: expect.any(String) },
      ]);
    }
    expect(await scenario.liveVersions()).toEqual(['seeded', 'seeded', 'seeded']);
    const health = await fetch(new URL('/health', scenario.publicUrl));
    expect(health.status).toBe(200);
  });
});
