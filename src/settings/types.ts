// The typed settings object the action runs on, built and validated by inputs.ts.
import type { NeedsEntry } from '../gate/gate.js';
import type { HealthCriteria } from '../verify/health.js';
import type { ModeName, PlatformName } from './names.js';

/** A second endpoint every poll also reads: the answer must come from the new release. */
export interface VersionCheck {
  readonly url: string;
  readonly expected: string;
}

export interface HealthSettings {
  readonly criteria: HealthCriteria;
  readonly version: VersionCheck | undefined;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly threshold: number;
  /** Failed polls in a row that condemn a release after its first pass. */
  readonly unhealthyThreshold: number;
}

/** Where this job runs: read from the runner's GITHUB_* variables. */
export interface RunContext {
  readonly owner: string;
  readonly repo: string;
  readonly runId: number;
  readonly attempt: number;
  /** GITHUB_JOB: the job's id in the workflow; recorded in the deployment for the queue. */
  readonly job?: string;
  readonly sha: string;
  readonly apiUrl: string;
  readonly serverUrl: string;
  readonly runnerName: string | undefined;
}

/** Fly-only settings (see FlySettings in platform.ts). */
export interface FlyInputs {
  readonly flyConfig: string;
  readonly image: string | undefined;
  readonly flyctlArgs: readonly string[];
  readonly flyctlPath: string;
}

export interface Settings {
  readonly mode: ModeName;
  readonly platform: PlatformName;
  readonly app: string;
  readonly apiToken: string;
  /** Platform API base URL, without a trailing slash. */
  readonly apiUrl: string;
  readonly githubToken: string;
  readonly requireJobs: readonly string[];
  readonly needs: Readonly<Record<string, NeedsEntry>> | undefined;
  /** Undefined: derived from the app's web URL once the platform is read. */
  readonly healthUrl: string | undefined;
  readonly health: HealthSettings;
  readonly rollback: boolean;
  /** Build and release even when the live release already runs this commit (absent: no). */
  readonly force?: boolean;
  /** How long a deploy waits for another deploy of the app in flight; 0: refuse at once. */
  readonly lockWaitMs?: number;
  /** Deploy exactly this, no build: a Heroku slug id or a Fly image pinned by digest. */
  readonly artifact?: string;
  /** `mode: rollback`: the release to go back to; undefined = the one before the live one. */
  readonly toRelease: string | undefined;
  /** GitHub environment to record deployments in; undefined = off. */
  readonly environment: string | undefined;
  /** Absolute path, inside the workspace. */
  readonly sourceDir: string;
  /** Present when `platform` is `fly`. */
  readonly fly: FlyInputs | undefined;
  readonly run: RunContext;
  readonly userAgent: string;
}
