// Measure 1: from spawning `node dist/index.js` to the first request the simulator receives,
// against a bare `node -e 0` (spawn to exit) measured in the same run, alternating the two.
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { distEntry } from '../sim/runner.js';
import { startScenario } from '../sim/scenario.js';
import { nowMs } from './clock.js';
import type { BenchResult } from './stats.js';
import { summarize } from './stats.js';
import { runTimed } from './timed-run.js';

const RUNS = 7;

function bareNodeStartMs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(nowMs() - started));
  });
}

export async function measureColdStart(): Promise<BenchResult[]> {
  const scenario = await startScenario({ app: 'bench-cold' });
  // A failed test job makes the gate refuse: the run ends right after its first request.
  scenario.setJobs([
    { name: 'test', status: 'completed', conclusion: 'failure' },
    { name: 'deploy', status: 'in_progress', conclusion: null, runnerName: 'GitHub Actions 7' },
  ]);
  const firstRequestMs: number[] = [];
  const bareMs: number[] = [];
  const ratios: number[] = [];
  try {
    const checkout = { dir: scenario.repo.dir, sha: await scenario.repo.commit({ version: 'c' }) };
    // One warm-up of each, so both start from a warm page cache.
    await bareNodeStartMs();
    await runTimed(scenario, { checkout });
    for (let run = 0; run < RUNS; run += 1) {
      const bare = await bareNodeStartMs();
      const timed = await runTimed(scenario, { checkout });
      if (timed.result.outputs.result !== 'refused') {
        throw new Error(`cold start run was not refused by the gate: ${timed.result.stdout}`);
      }
      // The gate's job listing is the action's first outbound request.
      const arrivals = timed.requests
        .filter((request) => request.api === 'github')
        .map((request) => request.receivedAt ?? Number.NaN);
      const first = Math.min(...arrivals) - timed.spawnedAt;
      firstRequestMs.push(first);
      bareMs.push(bare);
      ratios.push(first / bare);
    }
  } finally {
    await scenario.close();
  }
  const sizeMb = (await stat(distEntry)).size / 1e6;
  return [
    summarize('cold start: spawn to first API request', 'ms', firstRequestMs),
    summarize('cold start: bare `node -e 0` (spawn to exit)', 'ms', bareMs),
    summarize('cold start: ratio to bare node', 'x', ratios, { op: '<=', value: 2 }),
    summarize('dist/index.js size', 'MB', [sizeMb]),
  ];
}
