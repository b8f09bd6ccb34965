// The local platform simulator: a Heroku Platform API (with blob store, builds, releases and
// per-app routers running the app) and a GitHub REST API, on 127.0.0.1, for tests, the demo
// and the benchmarks.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startGitHubSim } from './github/index.js';
import type { GitHubSim } from './github/index.js';
import { startHerokuSim } from './heroku/index.js';
import type { HerokuSim } from './heroku/index.js';
import type { RecordedRequest } from './types.js';

export type { HerokuSim, HerokuAppState } from './heroku/index.js';
export type { GitHubSim } from './github/index.js';

export interface SimulatorOptions {
  /** Token the Heroku API accepts as Bearer; default 'sim-heroku-token'. */
  herokuToken?: string;
  /** Token the GitHub API accepts; default 'sim-github-token'. */
  githubToken?: string;
  /** Where blobs and slugs go; default: a fresh temp dir, removed on stop. */
  dataDir?: string;
  /** Debug lines (router, dynos, builds); default: none. */
  log?: (line: string) => void;
}

export interface Simulator {
  readonly herokuApiUrl: string;
  readonly githubApiUrl: string;
  readonly heroku: HerokuSim;
  readonly github: GitHubSim;
  /** Heroku, blob and GitHub requests in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Heroku and GitHub schema violations. */
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

  let stopped: Promise<void> | undefined;
  return {
    herokuApiUrl: heroku.url,
    githubApiUrl: githubHandle.url,
    heroku: heroku.control,
    github: githubHandle.control,
    requests,
    get contractViolations(): readonly string[] {
      return [...herokuViolations, ...githubHandle.violations];
    },
    stop() {
      stopped ??= (async () => {
        await Promise.all([heroku.stop(), githubHandle.stop()]);
        if (ownsDataDir) await fs.rm(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
