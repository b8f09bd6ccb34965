// One scenario per test, closed after it, and the checks every end-to-end run owes: no token
// visible in any step's output, and no request outside the official API descriptions.
import { afterEach } from 'vitest';
import { type Scenario, type ScenarioOptions, startScenario } from '../../sim/scenario.js';
import { expectContractKept, expectNoSecrets } from './assert-run.js';

export function checkScenario(scenario: Scenario): void {
  for (const result of scenario.results) expectNoSecrets(result);
  expectContractKept(scenario.sim);
}

/** Use in a test file: `const scenarios = useScenarios();` then `await scenarios.start()`. */
export function useScenarios(): { start(options?: ScenarioOptions): Promise<Scenario> } {
  let current: Scenario | undefined;
  afterEach(async () => {
    const scenario = current;
    current = undefined;
    if (scenario === undefined) return;
    try {
      checkScenario(scenario);
    } finally {
      await scenario.close();
    }
  });
  return {
    async start(options) {
      current = await startScenario(options);
      return current;
    },
  };
}
