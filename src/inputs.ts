// Reads every `with:` input and the runner's environment into one typed settings object.
// All validation lives here and runs before any side effect; every problem is reported at once.
import * as core from '@actions/core';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, InvalidInputs } from './errors.js';
import type { NeedsEntry } from './gate.js';
import type { HealthCriteria, StatusRange } from './health.js';
import { Input, type InputName, Platforms, type PlatformName } from './names.js';
import { USER_AGENT } from './version.js';

export interface HealthSettings {
  readonly criteria: HealthCriteria;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly threshold: number;
}

/** Where this job runs: read from the runner's GITHUB_* variables. */
export interface RunContext {
  readonly owner: string;
  readonly repo: string;
  readonly runId: number;
  readonly attempt: number;
  readonly sha: string;
  readonly apiUrl: string;
  readonly serverUrl: string;
  readonly runnerName: string | undefined;
}

export interface Settings {
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
  /** Absolute path. */
  readonly sourceDir: string;
  readonly run: RunContext;
  readonly userAgent: string;
}

const DEFAULT_API_URL: Record<PlatformName, string> = {
  heroku: 'https://api.heroku.com',
  fly: 'https://api.machines.dev',
};
// Platforms this build can deploy to; `fly` joins when its implementation lands.
const SUPPORTED_PLATFORMS: readonly PlatformName[] = ['heroku'];

// Heroku: 3-30 chars, lower-case letters, digits and dashes, starting with a letter.
// Fly: up to 63 chars of the same alphabet. Anything else could not name an app.
const APP_NAME: Record<PlatformName, { pattern: RegExp; rule: string }> = {
  heroku: {
    pattern: /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/,
    rule: '3 to 30 lower-case letters, digits and dashes, starting with a letter',
  },
  fly: {
    pattern: /^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$|^[a-z0-9]$/,
    rule: '1 to 63 lower-case letters, digits and dashes',
  },
};

const MAX_INTERVAL_S = 3600;
const MAX_TIMEOUT_S = 6 * 3600;
const MAX_THRESHOLD = 100;

/** Parses `expected-status`: a list of codes and ranges, e.g. `200-299`, `200,204 301-302`. */
export function parseExpectedStatus(value: string): StatusRange[] | string {
  const parts = value.split(/[\s,]+/).filter((part) => part !== '');
  if (parts.length === 0) return 'is empty';
  const ranges: StatusRange[] = [];
  for (const part of parts) {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (!match) return `'${part}' is neither a status code nor a range like 200-299`;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : Number(match[2]);
    if (min < 100 || max > 599) return `'${part}' is outside 100-599`;
    if (min > max) return `'${part}' is a range whose start is above its end`;
    ranges.push({ min, max });
  }
  return ranges;
}

/** Splits `require-jobs` on newlines and commas. */
export function parseJobList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** Parses `needs` (`${{ toJSON(needs) }}`): an object of `{ result, outputs }` entries. */
export function parseNeeds(value: string): Record<string, NeedsEntry> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return 'is not JSON; pass `${{ toJSON(needs) }}`';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return 'is not a JSON object; pass `${{ toJSON(needs) }}`';
  }
  const needs: Record<string, NeedsEntry> = {};
  for (const [job, entry] of Object.entries(parsed)) {
    const result: unknown =
      typeof entry === 'object' && entry !== null ? (entry as { result?: unknown }).result : null;
    if (typeof result !== 'string') return `entry '${job}' has no string 'result'`;
    needs[job] = { result };
  }
  return needs;
}

/** Parses seconds with decimals, e.g. `0.5`; errors say what is allowed. */
export function parseSeconds(value: string, maxSeconds: number): number | string {
  if (!/^\d+(\.\d+)?$/.test(value)) return 'is not a number of seconds like 5 or 0.5';
  const seconds = Number(value);
  if (seconds <= 0) return 'must be greater than 0';
  if (seconds > maxSeconds) return `must be at most ${maxSeconds}`;
  return seconds;
}

/** Checks a URL input: http(s) only, no user:password inside (it would leak into logs). */
export function parseHttpUrl(value: string): URL | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `has protocol '${url.protocol}'; only http: and https: are allowed`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'contains credentials; pass tokens through api-token instead';
  }
  return url;
}

function parseBoolean(value: string): boolean | string {
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  return 'must be true or false';
}

function positiveInt(value: string, max: number): number | string {
  if (!/^\d+$/.test(value)) return 'must be a whole number';
  const number = Number(value);
  if (number < 1 || number > max) return `must be between 1 and ${max}`;
  return number;
}

function runContext(env: NodeJS.ProcessEnv, problems: InputError[]): RunContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const runId = Number(env.GITHUB_RUN_ID);
  const attempt = Number(env.GITHUB_RUN_ATTEMPT ?? '1');
  const sha = env.GITHUB_SHA ?? '';
  const missing = [
    owner === '' || repo === '' ? 'GITHUB_REPOSITORY' : '',
    Number.isInteger(runId) && runId > 0 ? '' : 'GITHUB_RUN_ID',
    Number.isInteger(attempt) && attempt > 0 ? '' : 'GITHUB_RUN_ATTEMPT',
    /^[0-9a-f]{40}$/.test(sha) ? '' : 'GITHUB_SHA',
  ].filter((name) => name !== '');
  if (missing.length > 0) {
    problems.push(
      new InputError(
        'environment',
        `${missing.join(', ')} not set or malformed: this action runs as a step of a ` +
          'GitHub Actions job, which sets them',
      ),
    );
  }
  return {
    owner,
    repo,
    runId,
    attempt,
    sha,
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, ''),
    runnerName: env.RUNNER_NAME === '' ? undefined : env.RUNNER_NAME,
  };
}

/**
 * Reads the inputs and the environment. Tokens are masked before anything else happens.
 * Throws `InvalidInputs` listing every bad input; nothing has touched the network by then.
 */
export function getSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const read = (name: InputName): string => core.getInput(name);
  const apiToken = read(Input.ApiToken);
  const githubToken = read(Input.GithubToken);
  if (apiToken !== '') core.setSecret(apiToken);
  if (githubToken !== '') core.setSecret(githubToken);

  const problems: InputError[] = [];
  const fail = (input: InputName, value: string, problem: string): void => {
    problems.push(new InputError(input, `${JSON.stringify(value)} ${problem}`));
  };
  // Each check returns the parsed value or a problem string; problems are collected.
  function check<T>(input: InputName, value: string, parsed: T | string, fallback: T): T {
    if (typeof parsed === 'string') {
      fail(input, value, parsed);
      return fallback;
    }
    return parsed;
  }

  const platformValue = read(Input.Platform);
  let platform: PlatformName = 'heroku';
  if (SUPPORTED_PLATFORMS.includes(platformValue as PlatformName)) {
    platform = platformValue as PlatformName;
  } else {
    const known = (Platforms as readonly string[]).includes(platformValue);
    fail(
      Input.Platform,
      platformValue,
      known
        ? `is not supported by this version yet; allowed: ${SUPPORTED_PLATFORMS.join(', ')}`
        : `is not a platform; allowed: ${SUPPORTED_PLATFORMS.join(', ')}`,
    );
  }

  const app = read(Input.App);
  const appRule = APP_NAME[platform];
  if (!appRule.pattern.test(app)) {
    fail(Input.App, app, `is not a ${platform} app name (${appRule.rule})`);
  }

  if (apiToken === '') {
    problems.push(new InputError(Input.ApiToken, 'is empty; pass the platform API token secret'));
  } else if (/\s/.test(apiToken.trim()) || apiToken.includes('\n')) {
    problems.push(new InputError(Input.ApiToken, 'contains white space or a line break'));
  }
  if (githubToken === '') {
    problems.push(
      new InputError(Input.GithubToken, 'is empty; the default is ${{ github.token }}'),
    );
  }

  const apiUrlValue = read(Input.ApiUrl);
  let apiUrl = DEFAULT_API_URL[platform];
  if (apiUrlValue !== '') {
    const url = check<URL | undefined>(
      Input.ApiUrl,
      apiUrlValue,
      parseHttpUrl(apiUrlValue),
      undefined,
    );
    if (url !== undefined) apiUrl = url.toString().replace(/\/+$/, '');
  }

  const needsValue = read(Input.Needs);
  const needs =
    needsValue === ''
      ? undefined
      : check<Record<string, NeedsEntry> | undefined>(
          Input.Needs,
          needsValue,
          parseNeeds(needsValue),
          undefined,
        );

  const healthUrlValue = read(Input.HealthUrl);
  const healthUrl =
    healthUrlValue === ''
      ? undefined
      : check<URL | undefined>(
          Input.HealthUrl,
          healthUrlValue,
          parseHttpUrl(healthUrlValue),
          undefined,
        )?.toString();

  const statusValue = read(Input.ExpectedStatus);
  const expectedStatus = check(
    Input.ExpectedStatus,
    statusValue,
    parseExpectedStatus(statusValue),
    [],
  );
  const intervalValue = read(Input.HealthInterval);
  const intervalS = check(
    Input.HealthInterval,
    intervalValue,
    parseSeconds(intervalValue, MAX_INTERVAL_S),
    NaN,
  );
  const timeoutValue = read(Input.HealthTimeout);
  const timeoutS = check(
    Input.HealthTimeout,
    timeoutValue,
    parseSeconds(timeoutValue, MAX_TIMEOUT_S),
    NaN,
  );
  const thresholdValue = read(Input.HealthyThreshold);
  const threshold = check(
    Input.HealthyThreshold,
    thresholdValue,
    positiveInt(thresholdValue, MAX_THRESHOLD),
    NaN,
  );
  // N consecutive passes on an interval grid need (N-1) intervals: more than the timeout
  // would make a healthy verdict impossible.
  if ((threshold - 1) * intervalS >= timeoutS) {
    fail(
      Input.HealthyThreshold,
      thresholdValue,
      `needs ${threshold - 1} intervals of ${intervalS} s, which do not fit in ` +
        `health-timeout ${timeoutS} s; lower it or raise health-timeout`,
    );
  }

  const rollbackValue = read(Input.Rollback);
  const rollback = check(Input.Rollback, rollbackValue, parseBoolean(rollbackValue), true);

  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const sourceDirValue = read(Input.SourceDir);
  const sourceDir = path.resolve(workspace, sourceDirValue === '' ? '.' : sourceDirValue);
  if (platform === 'heroku') {
    try {
      if (!statSync(sourceDir).isDirectory()) throw new Error('not a directory');
      accessSync(sourceDir, constants.R_OK | constants.X_OK);
    } catch {
      fail(Input.SourceDir, sourceDirValue, `is not a readable directory (${sourceDir})`);
    }
  }

  const run = runContext(env, problems);
  if (problems.length > 0) throw new InvalidInputs(problems);

  return {
    platform,
    app,
    apiToken,
    apiUrl,
    githubToken,
    requireJobs: parseJobList(read(Input.RequireJobs)),
    needs,
    healthUrl,
    health: {
      criteria: { expectedStatus, checkString: read(Input.CheckString) },
      intervalMs: Math.round(intervalS * 1000),
      timeoutMs: Math.round(timeoutS * 1000),
      threshold,
    },
    rollback,
    sourceDir,
    run,
    userAgent: USER_AGENT,
  };
}
