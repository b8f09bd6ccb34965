// Measure 7 (issue 14): how fast a release that crashes or breaks is condemned. Heroku, the
// action's own inputs: interval I = 0.5 s, health-timeout 30 s (which the old verdict waited
// out), unhealthy-threshold U = 3.
// - crash loop: the release exits at boot; from the release going live (router switch) to the
//   rollback request (POST /apps/{app}/releases). Goal <= 2·I + 1 s.
// - passes then breaks: /health turns 500 1.5 s after boot; from the last passing poll (the
//   break came after it) to the rollback request. Goal <= (U + 1)·I.
import { startScenario } from '../sim/scenario.js';
import type { AppConfig } from '../sim/app-repo.js';
import type { BenchResult } from './stats.js';
import { summarize } from './stats.js';
import { describeFailure, findLine, healthGroup, runTimed } from './timed-run.js';
import type { TimedRun } from './timed-run.js';

const RUNS = 3;
export const INTERVAL_S = 0.5;
const UNHEALTHY_THRESHOLD = 3;
/** The inputs of every fail-fast run, Heroku and Fly (fail-fast-fly.ts). */
export const INPUTS = {
  'health-interval': String(INTERVAL_S),
  'health-timeout': '30',
  // Never healthy within the 1.5 s the breaking release passes.
  'healthy-threshold': '10',
  'unhealthy-threshold': String(UNHEALTHY_THRESHOLD),
};

async function rolledBack(
  scenario: Awaited<ReturnType<typeof startScenario>>,
  config: AppConfig,
): Promise<{ timed: TimedRun; requestAt: number }> {
  const timed = await runTimed(scenario, { config, inputs: INPUTS });
  const path = `/apps/${scenario.app}/releases`;
  const request = timed.requests.find((r) => r.method === 'POST' && r.path === path);
  if (timed.result.outputs.result !== 'rolled-back' || request?.receivedAt === undefined) {
    throw new Error(`the release was not rolled back: ${describeFailure(timed)}`);
  }
  return { timed, requestAt: request.receivedAt };
}

export async function measureFailFast(): Promise<BenchResult[]> {
  const scenario = await startScenario({ app: 'bench-fail-fast', initial: { version: 'good' } });
  const crashToRequest: number[] = [];
  const breakToRequest: number[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      const { timed, requestAt } = await rolledBack(scenario, {
        version: `crash-${run}`,
        crashAfterMs: 0,
      });
      const version = Number(/^v(\d+)$/.exec(timed.result.outputs.release ?? '')?.[1]);
      const release = scenario.sim.heroku
        .state(scenario.app)
        .releases.find((candidate) => candidate.version === version);
      crashToRequest.push(requestAt - (release?.liveAt ?? Number.NaN));

      const broke = await rolledBack(scenario, { version: `breaks-${run}`, breakAfterMs: 1500 });
      const group = healthGroup(broke.timed.lines, 0);
      const lines = broke.timed.lines.slice(0, group?.endIndex ?? 0);
      const lastOk = lines.findLast((line) => /^poll \d+: 200 .* — ok$/.test(line.text));
      const failedAfter = findLine(broke.timed.lines, /^poll \d+: 500 /);
      breakToRequest.push(failedAfter < 0 ? Number.NaN : broke.requestAt - (lastOk?.at ?? NaN));
    }
  } finally {
    await scenario.close();
  }
  const crashGoal = 2 * INTERVAL_S * 1000 + 1000;
  const breakGoal = (UNHEALTHY_THRESHOLD + 1) * INTERVAL_S * 1000;
  return [
    summarize(
      'fail fast, heroku: crash-looping release live to rollback request',
      'ms',
      crashToRequest,
      {
        op: '<=',
        value: crashGoal,
        on: 'max',
      },
    ),
    summarize(
      'fail fast, heroku: passes then breaks, last pass to rollback request',
      'ms',
      breakToRequest,
      {
        op: '<=',
        value: breakGoal,
        on: 'max',
      },
    ),
  ];
}
