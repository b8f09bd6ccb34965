// One deploy scenario on the simulator: a Heroku app with a live release, a git checkout of
// examples/app, a workflow run whose jobs the gate reads, and a runner that runs the action.
// Shared by the end-to-end tests, the demo and the benchmarks.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { type AppConfig, type AppRepo, createAppRepo } from './app-repo.js';
import { startSimulator, type Simulator } from './index.js';
import { type RunOptions, type RunResult, runAction } from './runner.js';
import type { RunKey, SimJob } from './types.js';
import type { AppOptions } from './heroku/account.js';

export const HEROKU_TOKEN = 'hk-sim-3f9c2a7e-token';
export const GITHUB_TOKEN = 'ghs_simGithubToken0123456789';
/** RUNNER_NAME of the simulated deploy job, also its runner in the jobs listing. */
export const RUNNER_NAME = 'GitHub Actions 7';

/** Health settings that keep a scenario quick while keeping the same logic. */
export const FAST_HEALTH = {
  'health-interval': '0.2',
  'health-timeout': '4',
  'healthy-threshold': '3',
} as const;

export interface Scenario {
  readonly sim: Simulator;
  readonly repo: AppRepo;
  readonly app: string;
  readonly run: RunKey;
  /** Every step this scenario ran (main and post), for checks over all of them. */
  readonly results: RunResult[];
  /** Sets the jobs of the current run (default: a successful `test`). */
  setJobs(jobs: readonly SimJob[]): void;
  /** Commits `config` to the checkout and runs the action on that commit. */
  deploy(
    config: AppConfig,
    inputs?: Readonly<Record<string, string>>,
    extraFiles?: Record<string, string | null>,
    runOptions?: ScenarioRunOptions,
  ): Promise<RunResult & { sha: string }>;
  /** Runs the action on the current commit without committing anything (rollback, verify). */
  act(
    inputs?: Readonly<Record<string, string>>,
    runOptions?: ScenarioRunOptions,
  ): Promise<RunResult>;
  /** The /version the app's router serves now (or the error). */
  liveVersion(): Promise<string>;
  close(): Promise<void>;
}

export type ScenarioRunOptions = Partial<
  Pick<RunOptions, 'cancel' | 'onLine' | 'extraEnv' | 'timeoutMs'>
>;

export interface ScenarioOptions {
  readonly app?: string;
  readonly preboot?: boolean;
  /** Simulator app settings: the preboot window, the crash cool-off, the release start. */
  readonly appOptions?: Omit<AppOptions, 'preboot'>;
  /** Config of the release live before the first deploy. */
  readonly initial?: AppConfig;
  /** A simulator already running (another app of the same account): used, never stopped. */
  readonly sim?: Simulator;
}

/** The GITHUB_* side of a scenario's run: the simulated API, this run, the checkout. */
export function runnerGithub(
  sim: Simulator,
  run: RunKey,
  sha: string,
  workspace: string,
): RunOptions['github'] {
  return {
    apiUrl: sim.githubApiUrl,
    token: GITHUB_TOKEN,
    repository: `${run.owner}/${run.repo}`,
    runId: run.runId,
    attempt: run.attempt,
    sha,
    workspace,
    runnerName: RUNNER_NAME,
  };
}

let runCounter = 1000;

export async function startScenario(options: ScenarioOptions = {}): Promise<Scenario> {
  const app = options.app ?? 'shop-prod';
  const ownSim = options.sim === undefined;
  const sim =
    options.sim ?? (await startSimulator({ herokuToken: HEROKU_TOKEN, githubToken: GITHUB_TOKEN }));
  const repo = await createAppRepo();
  const runnerTemp = await mkdtemp(path.join(os.tmpdir(), 'gd-scenario-'));
  try {
    const { webUrl } = await sim.heroku.createApp(app, {
      ...options.appOptions,
      preboot: options.preboot ?? false,
    });
    await repo.commit(options.initial ?? { version: 'initial' });
    // Seed the live release from an export of the commit, as an earlier deploy would have.
    const seedDir = path.join(runnerTemp, 'seed');
    execFileSync('git', ['worktree', 'add', '--quiet', '--detach', seedDir], { cwd: repo.dir });
    await sim.heroku.seedRelease(app, seedDir);
    const run: RunKey = { owner: 'acme', repo: 'shop', runId: ++runCounter, attempt: 1 };
    const setJobs = (jobs: readonly SimJob[]): void => sim.github.setJobs(run, jobs);
    const results: RunResult[] = [];
    // Keeps every step's result, the post step's too.
    const tracked = (result: RunResult): RunResult => {
      results.push(result);
      return {
        ...result,
        runPost: async () => tracked(await result.runPost()),
      };
    };
    const runOn = async (
      sha: string,
      inputs: Readonly<Record<string, string>>,
      runOptions: ScenarioRunOptions,
    ): Promise<RunResult> =>
      tracked(
        await runAction({
          inputs: {
            platform: 'heroku',
            app,
            'api-token': HEROKU_TOKEN,
            'api-url': sim.herokuApiUrl,
            ...FAST_HEALTH,
            ...inputs,
          },
          github: runnerGithub(sim, run, sha, repo.dir),
          ...runOptions,
        }),
      );
    setJobs([
      { name: 'test', status: 'completed', conclusion: 'success' },
      { name: 'deploy', status: 'in_progress', conclusion: null, runnerName: RUNNER_NAME },
    ]);
    return {
      sim,
      repo,
      app,
      run,
      results,
      setJobs,
      async deploy(config, inputs = {}, extraFiles, runOptions = {}) {
        const sha = await repo.commit(config, extraFiles);
        return { ...(await runOn(sha, inputs, runOptions)), sha };
      },
      act: async (inputs = {}, runOptions = {}) => runOn(await repo.head(), inputs, runOptions),
      async liveVersion() {
        try {
          const response = await fetch(new URL('/version', webUrl), {
            signal: AbortSignal.timeout(5000),
          });
          return response.ok ? (await response.text()).trim() : `HTTP ${response.status}`;
        } catch (error) {
          return `unreachable: ${String(error)}`;
        }
      },
      async close() {
        if (ownSim) await sim.stop();
        await repo.remove();
        await rm(runnerTemp, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (ownSim) await sim.stop();
    await repo.remove();
    throw error;
  }
}
