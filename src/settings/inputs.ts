// Reads every `with:` input and the runner's environment into one typed settings object.
// All validation lives here and runs before any side effect; every problem is reported at once.
import * as core from '@actions/core';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseShellWords } from 'shell-quote';
import { checkFlyctlArgs } from '../platforms/fly/flyctl-args.js';
import { parse as parseToml } from 'smol-toml';
import { InputError, InvalidInputs } from '../io/errors.js';
import type { NeedsEntry } from '../gate/gate.js';
import type { HealthCriteria, StatusRange } from '../verify/health.js';
import {
  Input,
  type InputName,
  type ModeName,
  Modes,
  Platforms,
  type PlatformName,
} from './names.js';
import { USER_AGENT } from '../io/version.js';

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
  /** `mode: rollback`: the release to go back to; undefined = the one before the live one. */
  readonly toRelease: string | undefined;
  /** GitHub environment to record deployments in; undefined = off. */
  readonly environment: string | undefined;
  /** Absolute path. */
  readonly sourceDir: string;
  /** Present when `platform` is `fly`. */
  readonly fly: FlyInputs | undefined;
  readonly run: RunContext;
  readonly userAgent: string;
}

const DEFAULT_API_URL: Record<PlatformName, string> = {
  heroku: 'https://api.heroku.com',
  fly: 'https://api.machines.dev',
};
const SUPPORTED_PLATFORMS: readonly PlatformName[] = ['heroku', 'fly'];

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

/** Splits `flyctl-args` like a shell, without one: operators and substitutions are refused. */
export function parseFlyctlArgs(value: string): string[] | string {
  const words: string[] = [];
  for (const entry of parseShellWords(value, (name) => `$${name}`)) {
    if (typeof entry !== 'string') return 'contains shell operators or comments; pass plain words';
    if (/[$`]/.test(entry)) return `'${entry}' contains $ or \`; no substitution happens here`;
    words.push(entry);
  }
  // Read as flyctl reads them (pflag), refused when they change what or where is deployed.
  return checkFlyctlArgs(words).problem ?? words;
}

/** Finds an executable on PATH; flyctl installs as `flyctl` with a `fly` alias. */
export function findOnPath(names: readonly string[], pathValue: string): string | undefined {
  for (const dir of pathValue.split(path.delimiter).filter((entry) => entry !== '')) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** Splits a Fly token the way flyctl does, to mask each macaroon part on its own. */
function flyTokenParts(token: string): string[] {
  return token
    .replace(/^(FlyV1|Bearer)\s+/, '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length >= 8);
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
  if (read(Input.Platform) === 'fly')
    flyTokenParts(apiToken).forEach((part) => core.setSecret(part));

  const problems: InputError[] = [];
  const fail = (input: InputName, value: string, problem: string): void => {
    problems.push(new InputError(input, `${JSON.stringify(value)} ${problem}`));
  };
  // Reads an input and parses it; a parser returns the value or a problem string, and a
  // problem is collected (the fallback keeps the rest of the checks going).
  function parsed<T>(input: InputName, parse: (value: string) => T | string, fallback: T): T {
    const value = read(input);
    const result = parse(value);
    if (typeof result !== 'string') return result;
    fail(input, value, result);
    return fallback;
  }
  // The same for an input that may be empty: empty means undefined.
  function optional<T>(input: InputName, parse: (value: string) => T | string): T | undefined {
    return read(input) === '' ? undefined : parsed<T | undefined>(input, parse, undefined);
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

  const modeValue = read(Input.Mode) === '' ? 'deploy' : read(Input.Mode);
  let mode: ModeName = 'deploy';
  if ((Modes as readonly string[]).includes(modeValue)) mode = modeValue as ModeName;
  else fail(Input.Mode, modeValue, `is not a mode; allowed: ${Modes.join(', ')}`);

  const app = read(Input.App);
  const appRule = APP_NAME[platform];
  if (!appRule.pattern.test(app)) {
    fail(Input.App, app, `is not a ${platform} app name (${appRule.rule})`);
  }

  if (apiToken === '') {
    problems.push(new InputError(Input.ApiToken, 'is empty; pass the platform API token secret'));
  } else if (apiToken.includes('\n') || /\s/.test(apiToken.replace(/^(FlyV1|Bearer) /, ''))) {
    problems.push(new InputError(Input.ApiToken, 'contains white space or a line break'));
  }
  if (githubToken === '' && mode === 'deploy') {
    problems.push(
      new InputError(Input.GithubToken, 'is empty; the default is ${{ github.token }}'),
    );
  }

  const urlInput = (input: InputName): string | undefined =>
    optional(input, parseHttpUrl)?.toString();
  const apiUrl = (urlInput(Input.ApiUrl) ?? DEFAULT_API_URL[platform]).replace(/\/+$/, '');
  const needs = optional(Input.Needs, parseNeeds);
  const healthUrl = urlInput(Input.HealthUrl);
  const expectedStatus = parsed(Input.ExpectedStatus, parseExpectedStatus, []);
  const intervalS = parsed(Input.HealthInterval, (v) => parseSeconds(v, MAX_INTERVAL_S), NaN);
  const timeoutS = parsed(Input.HealthTimeout, (v) => parseSeconds(v, MAX_TIMEOUT_S), NaN);
  const thresholdValue = read(Input.HealthyThreshold);
  const threshold = parsed(Input.HealthyThreshold, (v) => positiveInt(v, MAX_THRESHOLD), NaN);
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

  const versionUrl = urlInput(Input.VersionUrl);
  const expectedVersionValue = read(Input.ExpectedVersion);
  if (expectedVersionValue !== '' && versionUrl === undefined) {
    fail(Input.ExpectedVersion, expectedVersionValue, 'is set but version-url is empty');
  }

  const toReleaseValue = read(Input.ToRelease);
  if (toReleaseValue !== '' && mode !== 'rollback') {
    fail(Input.ToRelease, toReleaseValue, `only applies to mode: rollback (mode is ${mode})`);
  } else if (toReleaseValue !== '' && !/^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/.test(toReleaseValue)) {
    fail(Input.ToRelease, toReleaseValue, 'is not a release (v41) or an image reference');
  }
  const environmentValue = read(Input.Environment);
  // GitHub environment names: up to 255 characters, no control characters, commas or quotes.
  const badEnvironmentChar = [...environmentValue].some(
    (char) => char.charCodeAt(0) < 0x20 || ',\'"`;'.includes(char),
  );
  if (environmentValue !== '' && (badEnvironmentChar || environmentValue.length > 255)) {
    fail(Input.Environment, environmentValue, 'is not a GitHub environment name');
  }

  const rollback = parsed(Input.Rollback, parseBoolean, true);

  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const sourceDirValue = read(Input.SourceDir);
  const sourceDir = path.resolve(workspace, sourceDirValue === '' ? '.' : sourceDirValue);
  let sourceDirReadable = true;
  try {
    if (!statSync(sourceDir).isDirectory()) throw new Error('not a directory');
    accessSync(sourceDir, constants.R_OK | constants.X_OK);
  } catch {
    sourceDirReadable = false;
    if (mode === 'deploy') {
      fail(Input.SourceDir, sourceDirValue, `is not a readable directory (${sourceDir})`);
    }
  }
  // Only a deploy builds anything: rollback and verify need no checkout or flyctl.
  const fly =
    platform === 'fly' && mode === 'deploy'
      ? readFlyInputs(read, env, sourceDir, sourceDirReadable, fail)
      : undefined;

  const run = runContext(env, problems);
  if (problems.length > 0) throw new InvalidInputs(problems);

  return {
    mode,
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
      version:
        versionUrl === undefined
          ? undefined
          : {
              url: versionUrl,
              expected: expectedVersionValue === '' ? run.sha : expectedVersionValue,
            },
      intervalMs: Math.round(intervalS * 1000),
      timeoutMs: Math.round(timeoutS * 1000),
      threshold,
    },
    rollback,
    toRelease: toReleaseValue === '' ? undefined : toReleaseValue,
    environment: environmentValue === '' ? undefined : environmentValue,
    sourceDir,
    fly,
    run,
    userAgent: USER_AGENT,
  };
}

/** `[deploy] strategy` of a fly.toml, when it can be read; flyctl reports its own errors. */
function deployStrategy(file: string): string | undefined {
  try {
    const config: unknown = parseToml(readFileSync(file, 'utf8'));
    const deploy = (config as { deploy?: { strategy?: unknown } }).deploy;
    return typeof deploy?.strategy === 'string' ? deploy.strategy : undefined;
  } catch {
    return undefined;
  }
}

function readFlyInputs(
  read: (name: InputName) => string,
  env: NodeJS.ProcessEnv,
  sourceDir: string,
  sourceDirReadable: boolean,
  fail: (input: InputName, value: string, problem: string) => void,
): FlyInputs {
  const configValue = read(Input.FlyConfig) === '' ? 'fly.toml' : read(Input.FlyConfig);
  const flyConfig = path.resolve(sourceDir, configValue);
  if (sourceDirReadable) {
    try {
      accessSync(flyConfig, constants.R_OK);
    } catch {
      fail(Input.FlyConfig, configValue, `is not a readable file (${flyConfig})`);
    }
  }
  const argsValue = read(Input.FlyctlArgs);
  const parsedArgs = parseFlyctlArgs(argsValue);
  if (typeof parsedArgs === 'string') fail(Input.FlyctlArgs, argsValue, parsedArgs);
  const overridesStrategy =
    typeof parsedArgs !== 'string' && parsedArgs.some((arg) => arg.startsWith('--strategy'));
  if (!overridesStrategy && deployStrategy(flyConfig) === 'immediate') {
    fail(
      Input.FlyConfig,
      configValue,
      "sets [deploy] strategy = 'immediate', which exits 0 on a broken app; use rolling, " +
        'canary or bluegreen (or --strategy in flyctl-args)',
    );
  }
  const imageValue = read(Input.Image);
  // An image reference: registry/name[:tag][@sha256:digest], no spaces or shell syntax.
  if (imageValue !== '' && !/^[a-z0-9][a-z0-9._\-/:@]*$/.test(imageValue)) {
    fail(Input.Image, imageValue, 'is not an image reference like registry.fly.io/app:tag');
  }
  const flyctlPath = findOnPath(['flyctl', 'fly'], env.PATH ?? '');
  if (flyctlPath === undefined) {
    fail(
      Input.Platform,
      'fly',
      'needs flyctl on PATH; add this step before guarded-deploy: ' +
        '`- uses: superfly/flyctl-actions/setup-flyctl@master`',
    );
  }
  return {
    flyConfig,
    image: imageValue === '' ? undefined : imageValue,
    flyctlArgs: typeof parsedArgs === 'string' ? [] : parsedArgs,
    flyctlPath: flyctlPath ?? '',
  };
}
