// Measure 1: from spawning `node dist/index.js` to the first request the simulator receives,
// against a bare `node -e 0` (spawn to exit) measured in the same run, alternating the two;
// and the post step that finds nothing to do (every green job runs it), spawn to exit.
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { actionNode } from '../sim/action-node.js';
import { distEntry, readActionYaml, repoRoot } from '../sim/runner.js';
import { startScenario } from '../sim/scenario.js';
import { nowMs } from './clock.js';
import type { BenchResult } from './stats.js';
import { summarize } from './stats.js';
import { runTimed } from './timed-run.js';

const RUNS = 7;

/** The same Node binary the action runs on (action.yml's `using`): Node 20 and Node 24 start
 * at different speeds, and a ratio across two binaries would measure that instead. */
function bareNodeStartMs(node: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    const child = spawn(node, ['-e', '0'], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(nowMs() - started));
  });
}

/** The post step after a main step that settled: the runner passes the saved state. */
function idlePostStepMs(node: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    const child = spawn(node, [distEntry], {
      env: { PATH: process.env.PATH ?? '', STATE_isPost: 'true', STATE_stage: 'settled' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = nowMs() - started;
      if (code === 0 && /nothing to roll back/.test(stdout)) resolve(ms);
      else reject(new Error(`idle post step exited ${String(code)}: ${stdout}`));
    });
  });
}

/** Bytes of every .js file of dist/: the entry and the chunks it may load. */
async function distJsBytes(): Promise<number> {
  const dir = path.dirname(distEntry);
  const files = (await readdir(dir)).filter((name) => name.endsWith('.js'));
  const sizes = await Promise.all(
    files.map(async (name) => (await stat(path.join(dir, name))).size),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

export async function measureColdStart(): Promise<BenchResult[]> {
  const node = await actionNode((await readActionYaml()).runs.using, repoRoot);
  const scenario = await startScenario({ app: 'bench-cold' });
  // A failed test job makes the gate refuse: the run ends right after its first request.
  scenario.setJobs([
    { name: 'test', status: 'completed', conclusion: 'failure' },
    { name: 'deploy', status: 'in_progress', conclusion: null, runnerName: 'GitHub Actions 7' },
  ]);
  const firstRequestMs: number[] = [];
  const bareMs: number[] = [];
  const ratios: number[] = [];
  const postMs: number[] = [];
  const postRatios: number[] = [];
  try {
    const checkout = { dir: scenario.repo.dir, sha: await scenario.repo.commit({ version: 'c' }) };
    // One warm-up of each, so both start from a warm page cache.
    await bareNodeStartMs(node);
    await runTimed(scenario, { checkout });
    await idlePostStepMs(node);
    for (let run = 0; run < RUNS; run += 1) {
      const bare = await bareNodeStartMs(node);
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
      const post = await idlePostStepMs(node);
      postMs.push(post);
      postRatios.push(post / bare);
    }
  } finally {
    await scenario.close();
  }
  const entryMb = (await stat(distEntry)).size / 1e6;
  const totalMb = (await distJsBytes()) / 1e6;
  return [
    summarize('cold start: spawn to first API request', 'ms', firstRequestMs),
    summarize('cold start: bare `node -e 0` on the same binary (spawn to exit)', 'ms', bareMs),
    summarize('cold start: ratio to bare node', 'x', ratios, { op: '<=', value: 2 }),
    summarize('post step with nothing to do: spawn to exit', 'ms', postMs),
    summarize('post step with nothing to do: ratio to bare node', 'x', postRatios),
    summarize('dist/index.js size (the entry)', 'MB', [entryMb]),
    summarize('dist/*.js size (entry and chunks)', 'MB', [totalMb]),
  ];
}
