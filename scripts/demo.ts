// `npm run demo`: the action against the local simulator, no account needed.
// Heroku: story 1, a healthy change is deployed and verified; story 2, a broken change is
// deployed, judged unhealthy, rolled back to the release before, and the job fails loudly.
// Fly.io: the same two stories on 3 machines in 2 regions, the broken one failing midway
// through flyctl's rolling update. Exits 0 only when every story ends as it should.
import { existsSync } from 'node:fs';
import { type RunResult } from '../sim/runner.js';
import { distEntry } from '../sim/runner.js';
import { startFlyScenario } from '../sim/fly-scenario.js';
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

  await flyStories(failures);

  banner(failures.length === 0 ? 'Demo OK: every story ended as it should' : 'Demo FAILED');
  for (const failure of failures) console.log(`- ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

async function flyStories(failures: string[]): Promise<void> {
  const scenario = await startFlyScenario({ app: 'demo-fly', initial: { version: '1.0.0' } });
  try {
    console.log(`\nSimulated Fly Machines API: ${scenario.sim.flyApiUrl}`);
    console.log(`Live before: ${(await scenario.liveVersions()).join(', ')} on 3 machines`);

    banner('Story 3 (Fly): deploy version 1.1.0 to 3 machines in ams and fra');
    const good = await scenario.deploy({ version: '1.1.0' }, { 'check-string': 'ok' });
    show(good);
    const afterGood = await scenario.liveVersions();
    console.log(`Live now: ${afterGood.join(', ')}`);
    if (good.outputs.result !== 'deployed' || afterGood.some((version) => version !== '1.1.0')) {
      failures.push('story 3: the healthy Fly release was not deployed on every machine');
    }

    banner('Story 4 (Fly): deploy version 1.2.0; flyctl fails after updating one machine');
    const bad = await scenario.deploy({ version: '1.2.0' }, {}, undefined, {
      extraEnv: { FLY_SIM_FAIL_AFTER_MACHINES: '1' },
    });
    show(bad);
    const afterBad = await scenario.liveVersions();
    console.log(`Live now: ${afterBad.join(', ')}`);
    if (bad.outputs.result !== 'rolled-back' || afterBad.some((version) => version !== '1.1.0')) {
      failures.push('story 4: the half-deployed Fly release was not rolled back everywhere');
    }
  } finally {
    await scenario.close();
  }
}

process.exitCode = await main();
