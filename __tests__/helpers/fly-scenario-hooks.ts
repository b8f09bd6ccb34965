// One Fly scenario per test, closed after it, with the checks every end-to-end run owes.
import { afterEach } from 'vitest';
import {
  type FlyScenario,
  type FlyScenarioOptions,
  startFlyScenario,
} from '../../sim/fly-scenario.js';
import { expectContractKept, expectNoSecrets } from './assert-run.js';

export function useFlyScenarios(): { start(options?: FlyScenarioOptions): Promise<FlyScenario> } {
  let current: FlyScenario | undefined;
  afterEach(async () => {
    const scenario = current;
    current = undefined;
    if (scenario === undefined) return;
    try {
      const token = scenario.sim.fly.token;
      const parts = token.replace(/^FlyV1 /, '').split(',');
      for (const result of scenario.results) expectNoSecrets(result, [token, ...parts]);
      expectContractKept(scenario.sim);
    } finally {
      await scenario.close();
    }
  });
  return {
    async start(options) {
      current = await startFlyScenario(options);
      return current;
    },
  };
}

/** `digest` of every machine, in order: what "on the same image" compares. */
export function digests(scenario: FlyScenario): string[] {
  return scenario.state().machines.map((machine) => machine.digest);
}
