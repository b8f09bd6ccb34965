// `npm run demo`: the action against the local simulator, no account needed.
// Story 1: a healthy change is deployed and verified. Story 2: a broken change is deployed,
// judged unhealthy, rolled back to the release before, and the job fails loudly.
// Exits 0 only when both stories end as they should.
import { existsSync } from 'node:fs';
import { type RunResult } from '../sim/runner.js';
import { distEntry } from '../sim/runner.js';
import { startScenario } from '../sim/scenario.js';

function banner(text: string): void {
  console.log(`\n${'='.repeat(78)}\n${text}\n${'='.repeat(78)}`);
}

function show(result: RunResult): void {
  console.log(`exit code: ${String(result.exitCode)}`);
  console.log('outputs:', JSON.stringify(result.outputs));
  for (const annotation of result.annotations) {
    console.log(`annotation ${annotation.level}: ${annotation.message}`);
  }
  console.log('\n--- job summary ---\n');
  console.log(result.summary);
}

async function main(): Promise<number> {
  if (!existsSync(distEntry)) {
    console.error(`${distEntry} is missing: run npm run build first.`);
    return 1;
  }
  const failures: string[] = [];
  const scenario = await startScenario({ app: 'demo-shop', initial: { version: '1.0.0' } });
  try {
    console.log(`Simulated Heroku API: ${scenario.sim.herokuApiUrl}`);
    console.log(`Simulated GitHub API: ${scenario.sim.githubApiUrl}`);
    console.log(`Live before the demo: version ${await scenario.liveVersion()}`);

    banner('Story 1: deploy version 1.1.0 (healthy)');
    const good = await scenario.deploy({ version: '1.1.0' }, { 'check-string': 'ok' });
    show(good);
    const liveAfterGood = await scenario.liveVersion();
    console.log(`Live now: version ${liveAfterGood}`);
    if (good.exitCode !== 0 || good.outputs.result !== 'deployed' || liveAfterGood !== '1.1.0') {
      failures.push('story 1: the healthy release was not deployed');
    }

    banner('Story 2: deploy version 1.2.0, whose /health answers 500');
    const bad = await scenario.deploy(
      { version: '1.2.0', healthStatus: 500 },
      { 'check-string': 'ok' },
    );
    show(bad);
    const liveAfterBad = await scenario.liveVersion();
    console.log(`Live now: version ${liveAfterBad}`);
    if (
      bad.exitCode === 0 ||
      bad.outputs.result !== 'rolled-back' ||
      liveAfterBad !== '1.1.0' ||
      !bad.annotations.some((annotation) => annotation.level === 'error')
    ) {
      failures.push('story 2: the broken release was not rolled back with a failed job');
    }
  } finally {
    await scenario.close();
  }

  banner(failures.length === 0 ? 'Demo OK: both stories ended as they should' : 'Demo FAILED');
  for (const failure of failures) console.log(`- ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

process.exitCode = await main();
