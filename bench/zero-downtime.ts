// Measure 6, Heroku half: steady traffic (autocannon, 127.0.0.1, bounded) on the app's router through a
// deploy by the action and through a rollback, with Heroku preboot on and, for contrast, off.
import { HEROKU_TOKEN, startScenario } from '../sim/scenario.js';
import type { Scenario } from '../sim/scenario.js';
import { sleep } from './clock.js';
import { LOAD, loadRows, underLoad } from './load.js';
import type { LoadSample } from './load.js';
import type { Section } from './section.js';
import type { BenchResult } from './stats.js';
import { describeFailure, runTimed } from './timed-run.js';

const RUNS = 5;
const SWITCH_DEADLINE_MS = 30_000;

function currentReleaseId(scenario: Scenario): string {
  const current = scenario.sim.heroku.state(scenario.app).releases.find((r) => r.current);
  if (!current) throw new Error(`${scenario.app} has no current release`);
  return current.id;
}

/** The rollback call the action makes (POST /apps/{app}/releases), then wait for the switch. */
async function rollBack(scenario: Scenario, targetId: string): Promise<void> {
  const response = await fetch(
    new URL(`/apps/${scenario.app}/releases`, scenario.sim.herokuApiUrl),
    {
      method: 'POST',
      headers: {
        accept: 'application/vnd.heroku+json; version=3',
        authorization: `Bearer ${HEROKU_TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ release: targetId }),
    },
  );
  const created = (await response.json()) as { id?: unknown };
  if (response.status !== 201 || typeof created.id !== 'string') {
    throw new Error(`rollback answered ${response.status}`);
  }
  const deadline = Date.now() + SWITCH_DEADLINE_MS;
  while (Date.now() < deadline) {
    const release = scenario.sim.heroku
      .state(scenario.app)
      .releases.find((candidate) => candidate.id === created.id);
    if (release?.current && release.liveAt !== undefined) return;
    await sleep(20);
  }
  throw new Error(`rollback release ${created.id} did not go live in time`);
}

async function measureMode(preboot: boolean): Promise<BenchResult[]> {
  const scenario = await startScenario({
    app: preboot ? 'bench-preboot' : 'bench-stopstart',
    preboot,
  });
  const deploys: LoadSample[] = [];
  const rollbacks: LoadSample[] = [];
  try {
    const url = scenario.sim.heroku.state(scenario.app).webUrl;
    for (let index = 0; index < RUNS; index += 1) {
      const before = currentReleaseId(scenario);
      deploys.push(
        await underLoad(url, async () => {
          const timed = await runTimed(scenario, { config: { version: `load-${index}` } });
          if (timed.result.outputs.result !== 'deployed') {
            throw new Error(`deploy under load failed: ${describeFailure(timed)}`);
          }
        }),
      );
      rollbacks.push(await underLoad(url, () => rollBack(scenario, before)));
    }
  } finally {
    await scenario.close();
  }
  const mode = preboot ? 'preboot' : 'no preboot';
  // Zero errors is the goal with preboot only; without it a gap is expected.
  const goal = preboot ? ({ op: '<=', value: 0, on: 'max' } as const) : undefined;
  return [
    ...loadRows(`zero downtime, ${mode}, deploy`, deploys, goal),
    ...loadRows(`zero downtime, ${mode}, rollback`, rollbacks, goal),
  ];
}

export async function measureZeroDowntime(): Promise<Section> {
  const results = [...(await measureMode(true)), ...(await measureMode(false))];
  return {
    title: '6a. Zero downtime during deploy and rollback, Heroku',
    results,
    notes: [
      `Load: autocannon, ${LOAD.connections} connections back to back, GET / on the app ` +
        'router; errors = non-2xx + socket errors.',
      'Deploy = the action (healthy release). Rollback = the call the action makes ' +
        '(POST /apps/{app}/releases) sent by the bench:',
      'with preboot the action reaches its own rollback only after health-timeout + 180 s.',
    ],
  };
}
