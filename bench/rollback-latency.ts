// Measure 3: a release whose /health answers 500: from the unhealthy verdict to the rollback
// request (POST /apps/{app}/releases) reaching the simulator, and to the restored release
// verified healthy; beside them, how long reading the condemned release's own log lines took
// (a log session, started before the rollback request and awaited after the rollback).
import { startScenario } from '../sim/scenario.js';
import type { BenchResult } from './stats.js';
import { summarize } from './stats.js';
import { describeFailure, healthGroup, logReadMs, runTimed } from './timed-run.js';

const RUNS = 5;

export async function measureRollbackLatency(): Promise<BenchResult[]> {
  const scenario = await startScenario({ app: 'bench-rollback' });
  const toRequest: number[] = [];
  const toVerified: number[] = [];
  const logReads: number[] = [];
  const rollbackPath = `/apps/${scenario.app}/releases`;
  try {
    for (let run = 0; run < RUNS; run += 1) {
      const timed = await runTimed(scenario, {
        config: { version: `broken-${run}`, healthStatus: 500 },
        inputs: { 'health-timeout': '1.5' },
      });
      const verdict = healthGroup(timed.lines, 0);
      const verified = healthGroup(timed.lines, 1);
      const rollback = timed.requests.find(
        (request) => request.method === 'POST' && request.path === rollbackPath,
      );
      if (timed.result.outputs.result !== 'rolled-back' || !verdict || !verified || !rollback) {
        throw new Error(`broken deploy was not rolled back: ${describeFailure(timed)}`);
      }
      toRequest.push((rollback.receivedAt ?? Number.NaN) - verdict.endedAt);
      toVerified.push(verified.endedAt - verdict.endedAt);
      logReads.push(logReadMs(timed.lines, verdict.endIndex));
    }
  } finally {
    await scenario.close();
  }
  return [
    summarize('rollback: unhealthy verdict to rollback request', 'ms', toRequest, {
      op: '<=',
      value: 100,
    }),
    summarize('rollback: unhealthy verdict to rollback verified', 'ms', toVerified),
    summarize(
      'app logs, heroku: the log read itself (same runs, beside the rollback request)',
      'ms',
      logReads,
    ),
  ];
}
