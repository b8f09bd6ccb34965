// Measure 2: a healthy release, interval I and threshold N: from the moment the simulator's
// router switched traffic to the release (its dyno up) to the action's healthy verdict, against
// the ideal (N-1)·I + the round trip of a poll.
import { startScenario } from '../sim/scenario.js';
import type { BenchResult } from './stats.js';
import { median, summarize } from './stats.js';
import { describeFailure, healthGroup, runTimed } from './timed-run.js';

const RUNS = 5;
export const VERDICT_INTERVAL_S = 0.5;
export const VERDICT_THRESHOLD = 3;

export async function measureVerdictLatency(): Promise<BenchResult[]> {
  const scenario = await startScenario({ app: 'bench-verdict' });
  const latencies: number[] = [];
  const ratios: number[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      const timed = await runTimed(scenario, {
        config: { version: `healthy-${run}` },
        inputs: {
          'health-interval': String(VERDICT_INTERVAL_S),
          'healthy-threshold': String(VERDICT_THRESHOLD),
          'health-timeout': '10',
        },
      });
      const health = healthGroup(timed.lines, 0);
      const version = Number(/^v(\d+)$/.exec(timed.result.outputs.release ?? '')?.[1]);
      const release = scenario.sim.heroku
        .state(scenario.app)
        .releases.find((candidate) => candidate.version === version);
      if (timed.result.outputs.result !== 'deployed' || !health || release?.liveAt === undefined) {
        throw new Error(`healthy deploy did not end as deployed: ${describeFailure(timed)}`);
      }
      const latency = health.endedAt - release.liveAt;
      const ideal =
        (VERDICT_THRESHOLD - 1) * VERDICT_INTERVAL_S * 1000 + median(health.pollLatenciesMs);
      latencies.push(latency);
      ratios.push(latency / ideal);
    }
  } finally {
    await scenario.close();
  }
  const settings = `I=${VERDICT_INTERVAL_S} s, N=${VERDICT_THRESHOLD}`;
  return [
    summarize(`verdict: release live to healthy verdict (${settings})`, 'ms', latencies),
    summarize('verdict: latency / ideal ((N-1)·I + RTT)', 'x', ratios, { op: '<=', value: 1.05 }),
  ];
}
