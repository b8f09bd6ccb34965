// Every input, output and state name, declared once: code, tests and docs read them from here.

export const Input = {
  Platform: 'platform',
  App: 'app',
  ApiToken: 'api-token',
  ApiUrl: 'api-url',
  GithubToken: 'github-token',
  RequireJobs: 'require-jobs',
  Needs: 'needs',
  HealthUrl: 'health-url',
  CheckString: 'check-string',
  ExpectedStatus: 'expected-status',
  HealthInterval: 'health-interval',
  HealthTimeout: 'health-timeout',
  HealthyThreshold: 'healthy-threshold',
  UnhealthyThreshold: 'unhealthy-threshold',
  MaxLatency: 'max-latency',
  Rollback: 'rollback',
  SourceDir: 'source-dir',
  FlyConfig: 'fly-config',
  Image: 'image',
  FlyctlArgs: 'flyctl-args',
  Mode: 'mode',
  ToRelease: 'to-release',
  Environment: 'environment',
  VersionUrl: 'version-url',
  ExpectedVersion: 'expected-version',
  Force: 'force',
  LockWait: 'lock-wait',
  Artifact: 'artifact',
} as const;
export type InputName = (typeof Input)[keyof typeof Input];

export const Output = {
  Result: 'result',
  Release: 'release',
  PreviousRelease: 'previous-release',
  RolledBack: 'rolled-back',
  HealthUrl: 'health-url',
  Verdict: 'verdict',
  Artifact: 'artifact',
} as const;
export type OutputName = (typeof Output)[keyof typeof Output];

/** Keys saved with core.saveState for the post step. */
export const State = {
  /** Set first thing by main: the same dist/index.js then runs as the post step. */
  IsPost: 'isPost',
  /** Set by main, so the post step knows main ran (and with which outcome). */
  Stage: 'stage',
  /** The restore plan as JSON, or the path and checksum of the file holding it. */
  Target: 'target',
  /** JSON of the release the deploy created, once known. */
  Release: 'release',
} as const;

export const Result = {
  Deployed: 'deployed',
  RolledBack: 'rolled-back',
  Refused: 'refused',
  Failed: 'failed',
  /** `mode: verify` found the live release healthy. */
  Verified: 'verified',
  /** `mode: plan` said what a deploy would do, and changed nothing. */
  Planned: 'planned',
} as const;
export type ResultValue = (typeof Result)[keyof typeof Result];

export const Modes = ['deploy', 'rollback', 'verify', 'plan'] as const;
export type ModeName = (typeof Modes)[number];

export const Platforms = ['heroku', 'fly'] as const;
export type PlatformName = (typeof Platforms)[number];
