// What a platform's lane is made of, whatever the platform: one simulator with a GitHub run
// whose `test` job passed, a git checkout of the example app seeded as the live release, the
// short-timeout HTTP client, the call sites faults are armed at, and reading the app's URLs.
import { type AppConfig, type AppRepo, createAppRepo } from '../../sim/app-repo.js';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../sim/index.js';
import type { RunKey } from '../../sim/types.js';
import type { Settings } from '../../src/settings/inputs.js';
import type { PlatformName } from '../../src/settings/names.js';
import {
  type CallSite,
  deploySettings,
  POLL_INTERVALS_MS,
  type ReleaseBehaviour,
  RETRY,
  shortTimeoutDispatcher,
} from './harness.js';
import type { Dispatcher } from 'undici';
import type { RetryPolicy } from '../../src/io/retry.js';

/** A call site of one platform, with where its faults are armed (`target`). */
export type SiteOf<Target extends string> = CallSite & { readonly target: Target };

export function callSite<Target extends string>(
  name: string,
  target: Target,
  method: string,
  pattern: string,
  afterPush: boolean,
): SiteOf<Target> {
  return { name, target, method, path: new RegExp(`^${pattern}$`), afterPush };
}

/** The gate's read of the run's jobs, on either platform. */
export const GITHUB_JOBS_SITE = callSite(
  'github jobs',
  'github',
  'GET',
  '/repos/[^/]+/[^/]+/actions/runs/\\d+/attempts/\\d+/jobs',
  false,
);

/** The example app's config for a release that behaves as `behaviour`; `broken` is what a
 * broken release looks like on the platform (what its checks or the action's check see). */
export function releaseConfig(
  version: string,
  behaviour: ReleaseBehaviour,
  broken: Omit<AppConfig, 'version'> = { healthStatus: 500, healthBody: 'database unreachable' },
): AppConfig {
  switch (behaviour) {
    case 'healthy':
      return { version };
    case 'slow':
      return { version, startupDelayMs: 300 };
    case 'broken':
      return { version, ...broken };
    case 'crashing':
      // Exits before it ever listens: the process crashes at boot.
      return { version, startupDelayMs: 50, crashAfterMs: 0 };
  }
}

/** A lane's own reads of the app never fault; only a hang reaches this bound. */
const READ_TIMEOUT_MS = 10_000;

export async function fetchText(url: string): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(READ_TIMEOUT_MS) });
    return { status: response.status, text: (await response.text()).trim() };
  } catch {
    return { status: 0, text: '' };
  }
}

export interface LaneBase {
  readonly sim: Simulator;
  readonly checkout: AppRepo;
  readonly run: RunKey;
  /** What either platform's client takes from a lane: the short-timeout dispatcher, quick
   * polls and retries, no debug lines. */
  readonly clientDeps: {
    readonly dispatcher: Dispatcher;
    readonly pollIntervalsMs: readonly number[];
    readonly maxPolls: number;
    readonly retry: RetryPolicy;
    readonly debug: (line: string) => void;
  };
  /** The settings of a `mode: deploy` run of `sha` from the checkout, gated on the run. */
  settings(fields: {
    platform: PlatformName;
    app: string;
    apiUrl: string;
    apiToken: string;
    sha: string;
  }): Settings;
  /** Stops the simulator (and the app's processes), the client, removes the checkout. */
  close(): Promise<void>;
}

/** Starts what every lane needs; `seed` creates the app and its live release. On a failure
 * everything started so far is stopped again. */
export async function startLaneBase(options: {
  readonly simulator: SimulatorOptions;
  readonly githubToken: string;
  readonly runner: string;
  readonly runId: number;
  readonly limitFor?: (path: string) => number;
  seed(sim: Simulator, checkout: AppRepo): Promise<void>;
}): Promise<LaneBase> {
  const sim = await startSimulator({ ...options.simulator, githubToken: options.githubToken });
  const http = shortTimeoutDispatcher(options.limitFor);
  let repo: AppRepo | undefined;
  const close = async (): Promise<void> => {
    await sim.stop();
    await http.close();
    await repo?.remove();
  };
  try {
    repo = await createAppRepo();
    await options.seed(sim, repo);
  } catch (error) {
    await close();
    throw error;
  }
  const checkout = repo;
  const run: RunKey = { owner: 'acme', repo: 'shop', runId: options.runId, attempt: 1 };
  sim.github.setJobs(run, [
    { name: 'test', status: 'completed', conclusion: 'success' },
    { name: 'deploy', status: 'in_progress', conclusion: null, runnerName: options.runner },
  ]);
  const settings: LaneBase['settings'] = (fields) =>
    deploySettings({
      ...fields,
      githubApiUrl: sim.githubApiUrl,
      githubToken: options.githubToken,
      run,
      sourceDir: checkout.dir,
      runnerName: options.runner,
    });
  const clientDeps: LaneBase['clientDeps'] = {
    dispatcher: http.dispatcher,
    pollIntervalsMs: POLL_INTERVALS_MS,
    maxPolls: 1_000,
    retry: RETRY,
    debug: () => undefined,
  };
  return { sim, checkout, run, clientDeps, settings, close };
}
