// The demo's stories, each a real run of dist/index.js against the local simulator, shared by
// `npm run demo` and the summary's golden tests.
import type { RunResult } from '../sim/runner.js';
import { startFlyScenario } from '../sim/fly-scenario.js';
import { RUNNER_NAME, startScenario } from '../sim/scenario.js';

export interface Story {
  /** File name of its preview and golden copy. */
  readonly id: string;
  readonly title: string;
  readonly run: RunResult;
  /** The `result` output the story must end with. */
  readonly expected: string;
  /** Text the platform or the app printed that the cause must quote. */
  readonly platformWords: string;
  /** Empty when the story ended as it should; else what went wrong. */
  readonly problem: string;
}

type Say = (line: string) => void;

const MIGRATION_ERROR = 'migration 42 failed: column "email" already exists';
const HEALTH_ERROR = '{"status":"error","error":"database unreachable: ECONNREFUSED"}';
const FLYCTL_ERROR = 'Error: failed to update machine';

function story(
  id: string,
  title: string,
  run: RunResult,
  expected: string,
  platformWords: string,
  problem: string | false,
): Story {
  const wrongResult =
    run.outputs.result === expected ? '' : `ended ${run.outputs.result ?? '?'}, not ${expected}`;
  return { id, title, run, expected, platformWords, problem: wrongResult || problem || '' };
}

/** Heroku: a healthy deploy, an unhealthy one rolled back, a failed release phase, and a
 * deploy the test gate refuses. */
export async function herokuStories(say: Say): Promise<Story[]> {
  const scenario = await startScenario({ app: 'demo-shop', initial: { version: '1.0.0' } });
  const stories: Story[] = [];
  try {
    say(`Simulated Heroku API: ${scenario.sim.herokuApiUrl}`);
    await scenario.repo.commit({ version: '1.1.0' }, {}, 'Cache the cart totals');
    const good = await scenario.act({ 'check-string': 'ok' });
    const afterGood = await scenario.liveVersion();
    stories.push(
      story(
        '1-heroku-deployed',
        'Heroku: deploy version 1.1.0 (healthy)',
        good,
        'deployed',
        '',
        afterGood !== '1.1.0' && `live is ${afterGood}, not 1.1.0`,
      ),
    );
    await scenario.repo.commit(
      { version: '1.2.0', healthStatus: 500, healthBody: HEALTH_ERROR },
      {},
      'Read carts from the new database',
    );
    const bad = await scenario.act({ 'check-string': 'ok' });
    const afterBad = await scenario.liveVersion();
    stories.push(
      story(
        '2-heroku-rolled-back',
        'Heroku: deploy version 1.2.0, whose /health answers 500',
        bad,
        'rolled-back',
        'database unreachable: ECONNREFUSED',
        (afterBad !== '1.1.0' && `live is ${afterBad}, not 1.1.0`) ||
          (bad.exitCode === 0 && 'the job passed'),
      ),
    );
    await scenario.repo.commit(
      { version: '1.3.0' },
      {
        Procfile: `web: node server.js\nrelease: node -e "console.error('${MIGRATION_ERROR.replace(/"/g, '\\"')}'); process.exit(1)"\n`,
      },
      'Add an email column to users',
    );
    const release = await scenario.act();
    const afterRelease = await scenario.liveVersion();
    stories.push(
      story(
        '3-heroku-release-failed',
        'Heroku: deploy version 1.3.0, whose release phase fails',
        release,
        'failed',
        MIGRATION_ERROR,
        afterRelease !== '1.1.0' && `live is ${afterRelease}, not 1.1.0`,
      ),
    );
    scenario.setJobs([
      { name: 'test', status: 'completed', conclusion: 'failure' },
      { name: 'deploy', status: 'in_progress', conclusion: null, runnerName: RUNNER_NAME },
    ]);
    await scenario.repo.commit({ version: '1.4.0' }, {}, 'Show delivery dates at checkout');
    const refused = await scenario.act();
    stories.push(
      story(
        '4-heroku-refused',
        'Heroku: deploy version 1.4.0 after a failed test job',
        refused,
        'refused',
        'test',
        false,
      ),
    );
  } finally {
    await scenario.close();
  }
  return stories;
}

/** Fly.io: a healthy deploy to 3 machines in 2 regions, and one whose flyctl fails midway. */
export async function flyStories(say: Say): Promise<Story[]> {
  const scenario = await startFlyScenario({ app: 'demo-fly', initial: { version: '1.0.0' } });
  const stories: Story[] = [];
  try {
    say(`Simulated Fly Machines API: ${scenario.sim.flyApiUrl}`);
    await scenario.repo.commit({ version: '1.1.0' }, {}, 'Cache the cart totals');
    const good = await scenario.act({ 'check-string': 'ok' });
    const afterGood = await scenario.liveVersions();
    stories.push(
      story(
        '5-fly-deployed',
        'Fly.io: deploy version 1.1.0 to 3 machines in ams and fra',
        good,
        'deployed',
        '',
        afterGood.some((version) => version !== '1.1.0') && `live: ${afterGood.join(', ')}`,
      ),
    );
    await scenario.repo.commit({ version: '1.2.0' }, {}, 'Keep sessions in the new store');
    const bad = await scenario.act({}, { extraEnv: { FLY_SIM_FAIL_AFTER_MACHINES: '1' } });
    const afterBad = await scenario.liveVersions();
    stories.push(
      story(
        '6-fly-rolled-back',
        'Fly.io: deploy version 1.2.0; flyctl fails after one machine',
        bad,
        'rolled-back',
        FLYCTL_ERROR,
        afterBad.some((version) => version !== '1.1.0') && `live: ${afterBad.join(', ')}`,
      ),
    );
  } finally {
    await scenario.close();
  }
  return stories;
}
