// One Fly deploy scenario on the simulator: a Fly app with 3 machines in 2 regions running
// release v1, a git checkout of examples/app with a fly.toml, a workflow run whose jobs the
// gate reads, and a runner that runs the action with the flyctl stand-in first on PATH.
// The Fly counterpart of scenario.ts, shared by end-to-end tests, the demo and benchmarks.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type AppConfig, type AppRepo, createAppRepo } from './app-repo.js';
import type { FlyAppOptions, FlyAppState, RateLimitOptions } from './fly/index.js';
import { startSimulator, type Simulator } from './index.js';
import { type RunResult, repoRoot, runAction } from './runner.js';
import {
  FAST_HEALTH,
  GITHUB_TOKEN,
  RUNNER_NAME,
  runnerGithub,
  type ScenarioRunOptions,
} from './scenario.js';
import type { RunKey, SimJob } from './types.js';

/** A fake org deploy token in the form `fly tokens create deploy` prints. */
export const FLY_TOKEN =
  'FlyV1 fm2_lJPECAAAAAAAAK1hxBDsc2NlbmFyaW8tZGVwbG95LXRva2Vu0ZmxKGh0dHBzOi8vYXBpLmZseS5pby92MZQ,' +
  'fm2_lJPETnJbHBp0b2tlbi1mb3ItdGhlLXNpbXVsYXRvci1vbmx5LW5vdC1yZWFs';

/** Where the flyctl stand-in (`flyctl` and `fly`) lives; put it first on PATH. */
export const FLYCTL_DIR = path.join(repoRoot, 'sim', 'flyctl');

/** A fly.toml like a user's, with check timings that keep a scenario quick. */
export function flyToml(app: string, strategy = 'rolling'): string {
  return [
    `app = "${app}"`,
    'primary_region = "ams"',
    '',
    '[deploy]',
    `  strategy = "${strategy}"`,
    '  wait_timeout = "15s"',
    '',
    '[http_service]',
    '  internal_port = 8080',
    '  force_https = true',
    '  auto_stop_machines = "off"',
    '  min_machines_running = 1',
    '',
    '  [[http_service.checks]]',
    '    grace_period = "0s"',
    '    interval = "200ms"',
    '    timeout = "1s"',
    '    method = "GET"',
    '    path = "/health"',
    '',
  ].join('\n');
}

/** The fly.toml `fly launch` writes today (flyctl internal/command/launch templates): an HTTP
 * service that auto-stops idle machines and auto-starts them, none kept running, no checks. */
export function flyLaunchToml(app: string): string {
  return [
    `app = '${app}'`,
    "primary_region = 'ams'",
    '',
    '[build]',
    '',
    '[http_service]',
    '  internal_port = 8080',
    '  force_https = true',
    "  auto_stop_machines = 'stop'",
    '  auto_start_machines = true',
    '  min_machines_running = 0',
    "  processes = ['app']",
    '',
    '[[vm]]',
    "  memory = '1gb'",
    "  cpu_kind = 'shared'",
    '  cpus = 1',
    '',
  ].join('\n');
}

/** A fuller app: checks on the web service, auto-stop, and a `worker` process group with no
 * service and no checks (its standbys come from the app options). */
export function flyWorkerToml(app: string): string {
  return [
    `app = '${app}'`,
    "primary_region = 'ams'",
    '',
    '[deploy]',
    "  wait_timeout = '15s'",
    '',
    '[processes]',
    "  app = 'node server.js'",
    "  worker = 'node server.js'",
    '',
    '[http_service]',
    '  internal_port = 8080',
    "  auto_stop_machines = 'stop'",
    '  auto_start_machines = true',
    '  min_machines_running = 1',
    "  processes = ['app']",
    '',
    '  [[http_service.checks]]',
    "    grace_period = '0s'",
    "    interval = '200ms'",
    "    timeout = '1s'",
    "    method = 'GET'",
    "    path = '/health'",
    '',
  ].join('\n');
}

export interface FlyScenario {
  readonly sim: Simulator;
  readonly repo: AppRepo;
  readonly app: string;
  readonly run: RunKey;
  readonly publicUrl: string;
  /** Every run's result, for checks over all of them. */
  readonly results: RunResult[];
  setJobs(jobs: readonly SimJob[]): void;
  /** Commits `config` (and extra files) to the checkout and runs the action on that commit. */
  deploy(
    config: AppConfig,
    inputs?: Readonly<Record<string, string>>,
    extraFiles?: Record<string, string | null>,
    runOptions?: ScenarioRunOptions,
  ): Promise<RunResult & { sha: string }>;
  /** Runs the action on the current commit without committing anything (a re-run). */
  act(
    inputs?: Readonly<Record<string, string>>,
    runOptions?: ScenarioRunOptions,
  ): Promise<RunResult & { sha: string }>;
  state(): FlyAppState;
  /** What each live machine's own /version says (or its error), in machine order. */
  liveVersions(): Promise<string[]>;
  close(): Promise<void>;
}

export interface FlyScenarioOptions {
  readonly app?: string;
  readonly strategy?: string;
  readonly initial?: AppConfig;
  readonly rateLimit?: RateLimitOptions | false;
  /** The token the simulated Machines API accepts (default FLY_TOKEN). */
  readonly token?: string;
  /** The app's fly.toml (default: `flyToml(app, strategy)`). */
  readonly toml?: (app: string) => string;
  /** Machines, regions, workers, standbys, autostop round, compat checks of the app. */
  readonly appOptions?: FlyAppOptions;
  /** The label of the seeded image (default: flyctl's `deployment-<ULID>`). */
  readonly seedLabel?: string;
  /** The simulator's debug lines (proxy autostop, machine states). */
  readonly simLog?: (line: string) => void;
  /** A simulator already running (another app of the same org): used, never stopped. */
  readonly sim?: Simulator;
}

let runCounter = 5000;

export async function startFlyScenario(options: FlyScenarioOptions = {}): Promise<FlyScenario> {
  const app = options.app ?? 'shop-fly';
  const ownSim = options.sim === undefined;
  const sim =
    options.sim ??
    (await startSimulator({
      flyToken: options.token ?? FLY_TOKEN,
      githubToken: GITHUB_TOKEN,
      flyRateLimit: options.rateLimit,
      ...(options.simLog === undefined ? {} : { log: options.simLog }),
    }));
  const repo = await createAppRepo();
  const runnerTemp = await mkdtemp(path.join(os.tmpdir(), 'gd-fly-scenario-'));
  try {
    const { publicUrl } = await sim.fly.createApp(app, {
      regions: ['ams', 'fra'],
      machines: 3,
      ...options.appOptions,
    });
    const seedSha = await repo.commit(options.initial ?? { version: 'initial' }, {
      'fly.toml': options.toml?.(app) ?? flyToml(app, options.strategy),
    });
    const seedDir = path.join(runnerTemp, 'seed');
    execFileSync('git', ['worktree', 'add', '--quiet', '--detach', seedDir], { cwd: repo.dir });
    await sim.fly.seedRelease(app, seedDir, {
      labels: { GH_SHA: seedSha },
      ...(options.seedLabel === undefined ? {} : { label: options.seedLabel }),
    });
    const run: RunKey = { owner: 'acme', repo: 'shop', runId: ++runCounter, attempt: 1 };
    const setJobs = (jobs: readonly SimJob[]): void => sim.github.setJobs(run, jobs);
    setJobs([
      { name: 'test', status: 'completed', conclusion: 'success' },
      { name: 'deploy', status: 'in_progress', conclusion: null, runnerName: RUNNER_NAME },
    ]);
    const results: RunResult[] = [];
    const runOn = async (
      sha: string,
      inputs: Readonly<Record<string, string>>,
      runOptions: ScenarioRunOptions,
    ): Promise<RunResult & { sha: string }> => {
      const result = await runAction({
        inputs: {
          platform: 'fly',
          app,
          'api-token': options.token ?? FLY_TOKEN,
          'api-url': sim.flyApiUrl,
          'health-url': new URL('/health', publicUrl).toString(),
          ...FAST_HEALTH,
          ...inputs,
        },
        github: runnerGithub(sim, run, sha, repo.dir),
        extraEnv: {
          PATH: `${FLYCTL_DIR}${path.delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
          FLY_SIM_API_URL: sim.flyApiUrl,
          ...runOptions.extraEnv,
        },
        ...(runOptions.cancel === undefined ? {} : { cancel: runOptions.cancel }),
        ...(runOptions.onLine === undefined ? {} : { onLine: runOptions.onLine }),
        ...(runOptions.timeoutMs === undefined ? {} : { timeoutMs: runOptions.timeoutMs }),
      });
      results.push(result);
      const runPost = async (): Promise<RunResult> => {
        const post = await result.runPost();
        results.push(post);
        return post;
      };
      return { ...result, runPost, sha };
    };
    return {
      sim,
      repo,
      app,
      run,
      publicUrl,
      results,
      setJobs,
      async deploy(config, inputs = {}, extraFiles, runOptions = {}) {
        return runOn(await repo.commit(config, extraFiles), inputs, runOptions);
      },
      act: async (inputs = {}, runOptions = {}) => runOn(await repo.head(), inputs, runOptions),
      state: () => sim.fly.state(app),
      async liveVersions() {
        const versions: string[] = [];
        for (const machine of sim.fly.state(app).machines) {
          versions.push(await machineVersion(sim, app, machine.id));
        }
        return versions;
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
    await rm(runnerTemp, { recursive: true, force: true });
    throw error;
  }
}

/** A machine's own /version, asked directly (not through the proxy). */
async function machineVersion(sim: Simulator, app: string, id: string): Promise<string> {
  const port = sim.fly.machinePort(app, id);
  if (port === undefined) return 'not running';
  try {
    const response = await fetch(`http://127.0.0.1:${port}/version`, {
      signal: AbortSignal.timeout(5000),
    });
    return response.ok ? (await response.text()).trim() : `HTTP ${response.status}`;
  } catch (error) {
    return `unreachable: ${String(error)}`;
  }
}
