// Measure 7 (issue 14): how fast a release that crashes or breaks is condemned. Heroku, the
// action's own inputs: interval I = 0.5 s, health-timeout 30 s (which the old verdict waited
// out), unhealthy-threshold U = 3.
// - crash loop: the release exits at boot; from the release going live (router switch) to the
//   rollback request (POST /apps/{app}/releases). Goal <= 2·I + 1 s.
// - passes then breaks: /health turns 500 1.5 s after boot; from the last passing poll (the
//   break came after it) to the rollback request. Goal <= (U + 1)·I.
// - log fetch: the crash run again with the log session endpoint hung (a fault that holds
//   POST /apps/{app}/log-sessions past the action's log deadline); from the verdict (the
//   health group's end) to the rollback request, with and without the hang, and the
//   difference of the medians. Goal <= 50 ms: an action that awaited the log read before
//   asking for the rollback would show the whole deadline here.
import { startScenario } from '../sim/scenario.js';
import type { AppConfig } from '../sim/app-repo.js';
import type { BenchResult } from './stats.js';
import { summarize } from './stats.js';
import { APP_LOG_DEADLINE_MS } from '../src/verify/logs.js';
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

/** From the verdict (the end of the new release's health group) to the rollback request. */
function verdictToRequest(run: { timed: TimedRun; requestAt: number }): number {
  return run.requestAt - (healthGroup(run.timed.lines, 0)?.endedAt ?? Number.NaN);
}

/** A crash run with the log session request held past the action's log deadline. */
async function rolledBackWithLogsHung(
  scenario: Awaited<ReturnType<typeof startScenario>>,
  run: number,
): Promise<number> {
  const path = new RegExp(`^/apps/${scenario.app}/log-sessions$`);
  scenario.sim.heroku.inject({ method: 'POST', path, delayMs: APP_LOG_DEADLINE_MS + 1000 });
  try {
    const hung = await rolledBack(scenario, { version: `crash-hung-${run}`, crashAfterMs: 0 });
    if (!/could not be read \(\d+ ms\): no answer within/.test(hung.timed.result.stdout)) {
      throw new Error(`the log read was not hung: ${describeFailure(hung.timed)}`);
    }
    return verdictToRequest(hung);
  } finally {
    scenario.sim.heroku.clear();
  }
}

export async function measureFailFast(): Promise<BenchResult[]> {
  const scenario = await startScenario({ app: 'bench-fail-fast', initial: { version: 'good' } });
  const crashToRequest: number[] = [];
  const breakToRequest: number[] = [];
  const logsAnswering: number[] = [];
  const logsHung: number[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      const crashed = await rolledBack(scenario, { version: `crash-${run}`, crashAfterMs: 0 });
      const { timed, requestAt } = crashed;
      logsAnswering.push(verdictToRequest(crashed));
      logsHung.push(await rolledBackWithLogsHung(scenario, run));
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
    ...logFetchRows(logsAnswering, logsHung),
  ];
}

/** The with/without pair of the log fetch, and what the hang added to the median. */
function logFetchRows(answering: number[], hung: number[]): BenchResult[] {
  const rows = [
    summarize('app logs, heroku: verdict to rollback request, logs answering', 'ms', answering),
    summarize('app logs, heroku: verdict to rollback request, logs hung', 'ms', hung),
  ];
  const added = (rows[1]?.median ?? Number.NaN) - (rows[0]?.median ?? Number.NaN);
  return [
    ...rows,
    summarize(
      'app logs, heroku: time a hung log fetch adds before the rollback request',
      'ms',
      [added],
      { op: '<=', value: 50 },
    ),
  ];
}
