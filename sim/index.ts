// The local platform simulator: a Heroku Platform API (with blob store, builds, releases and
// per-app routers running the app), a Fly.io Machines API (with an image registry, machines
// running the app and a fly-proxy per app) and a GitHub REST API, on 127.0.0.1, for tests,
// the demo and the benchmarks.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startFlySim } from './fly/index.js';
import type { FlyRecordedRequest, FlySim, FlySimHandle, RateLimitOptions } from './fly/index.js';
import { startGitHubSim } from './github/index.js';
import type { GitHubSim } from './github/index.js';
import { startHerokuSim } from './heroku/index.js';
import type { HerokuSim } from './heroku/index.js';
import type { RecordedRequest } from './types.js';

export type { HerokuSim, HerokuAppState } from './heroku/index.js';
export type { GitHubSim } from './github/index.js';
export type {
  FlyAppState,
  FlyMachineState,
  FlyRecordedRequest,
  FlySim,
  RateLimitOptions,
} from './fly/index.js';
export { DEFAULT_FLY_TOKEN } from './fly/index.js';

export interface SimulatorOptions {
  /** Token the Heroku API accepts as Bearer; default 'sim-heroku-token'. */
  herokuToken?: string;
  /** Token the GitHub API accepts; default 'sim-github-token'. */
  githubToken?: string;
  /** Token the Fly Machines API accepts (FlyV1 for macaroons); default DEFAULT_FLY_TOKEN. */
  flyToken?: string;
  /** Fly's Machines API rate limits; false turns them off. Default: Fly's numbers. */
  flyRateLimit?: RateLimitOptions | false;
  /** Where blobs and slugs go; default: a fresh temp dir, removed on stop. */
  dataDir?: string;
  /** Debug lines (router, dynos, builds); default: none. */
  log?: (line: string) => void;
}

export interface Simulator {
  readonly herokuApiUrl: string;
  readonly githubApiUrl: string;
  /** Fly Machines API base (paths below it start with /v1), like https://api.machines.dev. */
  readonly flyApiUrl: string;
  readonly heroku: HerokuSim;
  readonly github: GitHubSim;
  readonly fly: FlySim;
  /** Heroku, blob and GitHub requests in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Fly Machines API and registry requests in arrival order. */
  readonly flyRequests: readonly FlyRecordedRequest[];
  /** Heroku, Fly and GitHub schema violations. */
  readonly contractViolations: readonly string[];
  /** Closes all servers and kills every app process. */
  stop(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir =
    options.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'guarded-deploy-sim-')));
  const log = options.log ?? (() => undefined);
  const requests: RecordedRequest[] = [];
  const herokuViolations: string[] = [];
  const record = (request: RecordedRequest): void => {
    requests.push(request);
  };

  const heroku = await startHerokuSim({
    token: options.herokuToken ?? 'sim-heroku-token',
    dataDir,
    log,
    onRequest: record,
    onViolation: (violation) => {
      herokuViolations.push(violation);
      log(`contract violation: ${violation}`);
    },
  });
  let github;
  try {
    github = await startGitHubSim({
      token: options.githubToken ?? 'sim-github-token',
      onRequest: record,
    });
  } catch (error) {
    await heroku.stop();
    throw error;
  }
  const githubHandle = github;
  const flyRequests: FlyRecordedRequest[] = [];
  const flyViolations: string[] = [];
  let fly: FlySimHandle;
  try {
    fly = await startFlySim({
      token: options.flyToken,
      dataDir,
      log,
      rateLimit: options.flyRateLimit,
      onRequest: (request) => flyRequests.push(request),
      onViolation: (violation) => {
        flyViolations.push(violation);
        log(`contract violation: ${violation}`);
      },
    });
  } catch (error) {
    await Promise.all([heroku.stop(), githubHandle.stop()]);
    throw error;
  }
  const flyHandle = fly;

  let stopped: Promise<void> | undefined;
  return {
    herokuApiUrl: heroku.url,
    githubApiUrl: githubHandle.url,
    flyApiUrl: flyHandle.url,
    heroku: heroku.control,
    github: githubHandle.control,
    fly: flyHandle.control,
    requests,
    flyRequests,
    get contractViolations(): readonly string[] {
      return [...herokuViolations, ...flyViolations, ...githubHandle.violations];
    },
    stop() {
      stopped ??= (async () => {
        await Promise.all([heroku.stop(), githubHandle.stop(), flyHandle.stop()]);
        if (ownsDataDir) await fs.rm(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
