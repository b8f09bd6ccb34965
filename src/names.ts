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
  Rollback: 'rollback',
  SourceDir: 'source-dir',
} as const;
export type InputName = (typeof Input)[keyof typeof Input];

export const Output = {
  Result: 'result',
  Release: 'release',
  PreviousRelease: 'previous-release',
  RolledBack: 'rolled-back',
  HealthUrl: 'health-url',
} as const;
export type OutputName = (typeof Output)[keyof typeof Output];

export const Result = {
  Deployed: 'deployed',
  RolledBack: 'rolled-back',
  Refused: 'refused',
  Failed: 'failed',
} as const;
export type ResultValue = (typeof Result)[keyof typeof Result];

export const Platforms = ['heroku', 'fly'] as const;
export type PlatformName = (typeof Platforms)[number];
