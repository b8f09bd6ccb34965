// Measure 7, Fly.io half (issue 14): a release whose machines exit non-zero after they start,
// with the inputs of the Heroku half (fail-fast.ts): interval I = 0.5 s, health-timeout 30 s,
// healthy-threshold 10 (the machines crash 3 s after they start, after the push, while
// polled), unhealthy-threshold 3.
// - crash: from the platform showing the crash while the release is live (the later of the
//   first non-zero exit of a new machine and the health check's start, i.e. flyctl done) to
//   the rollback's first request (the action leasing a machine). Goal <= 2·I + 1 s.
// - the condemned release's own log lines are read beside the rollback: from the verdict to
//   the rollback's first request, next to the log read's own duration (the action logs it),
//   the same runs. The read starts before the rollback and is awaited only after it.
import { type FlyScenario, startFlyScenario } from '../sim/fly-scenario.js';
import type { FlyRecordedRequest } from '../sim/fly/server.js';
import { nowMs } from './clock.js';
import { INPUTS, INTERVAL_S } from './fail-fast.js';
import type { BenchResult } from './stats.js';
import { summarize } from './stats.js';
import { healthGroup, logReadMs } from './timed-run.js';
import type { TimedLine } from './timed-run.js';

const RUNS = 3;
const RUN_TIMEOUT_MS = 90_000;
const CRASH_AFTER_MS = 3000;
const CRASH_LINE = /main process exited with [1-9]/;

interface FlyRun {
  readonly crashToRequest: number;
  readonly verdictToRequest: number;
  readonly logReadMs: number;
}

/** The action's first lease on a machine after `from`: the rollback's first request. */
function rollbackRequestAt(requests: readonly FlyRecordedRequest[], from: number): number {
  const lease = requests.find(
    (request) =>
      request.method === 'POST' &&
      /\/machines\/[^/]+\/lease$/.test(request.path) &&
      /guarded-deploy/.test(request.headers['user-agent'] ?? '') &&
      (request.receivedAt ?? 0) >= from,
  );
  return lease?.receivedAt ?? Number.NaN;
}

async function crashRun(scenario: FlyScenario, crashes: number[], run: number): Promise<FlyRun> {
  crashes.length = 0;
  const lines: TimedLine[] = [];
  const firstRequest = scenario.sim.flyRequests.length;
  const result = await scenario.deploy(
    { version: `crash-${run}`, crashAfterMs: CRASH_AFTER_MS },
    INPUTS,
    undefined,
    { timeoutMs: RUN_TIMEOUT_MS, onLine: (text) => lines.push({ text, at: nowMs() }) },
  );
  const verdict = healthGroup(lines, 0);
  if (result.outputs.result !== 'rolled-back' || verdict === undefined) {
    const last = result.stdout.trim().split('\n').slice(-5).join('\n');
    throw new Error(
      `fly crash-${run} was not rolled back: ${JSON.stringify(result.outputs)}\n${last}`,
    );
  }
  const requestAt = rollbackRequestAt(
    scenario.sim.flyRequests.slice(firstRequest),
    verdict.startedAt,
  );
  const crashAt = crashes.find((at) => at >= (lines[0]?.at ?? 0)) ?? Number.NaN;
  return {
    crashToRequest: requestAt - Math.max(crashAt, verdict.startedAt),
    verdictToRequest: requestAt - verdict.endedAt,
    logReadMs: logReadMs(lines, verdict.endIndex),
  };
}

export async function measureFailFastFly(): Promise<BenchResult[]> {
  const crashes: number[] = [];
  const scenario = await startFlyScenario({
    app: 'bench-fail-fast-fly',
    initial: { version: 'good' },
    simLog: (line) => {
      if (CRASH_LINE.test(line)) crashes.push(nowMs());
    },
  });
  const runs: FlyRun[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) runs.push(await crashRun(scenario, crashes, run));
  } finally {
    await scenario.close();
  }
  return [
    summarize(
      'fail fast, fly: machine exits non-zero, crash shown to rollback request',
      'ms',
      runs.map((run) => run.crashToRequest),
      { op: '<=', value: 2 * INTERVAL_S * 1000 + 1000, on: 'max' },
    ),
    summarize(
      'app logs, fly: unhealthy verdict to rollback request (log read started beside it)',
      'ms',
      runs.map((run) => run.verdictToRequest),
    ),
    summarize(
      'app logs, fly: the log read itself (same runs, awaited after the rollback)',
      'ms',
      runs.map((run) => run.logReadMs),
    ),
  ];
}
