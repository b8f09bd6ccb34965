// Reads every `with:` input and the runner's environment into one typed settings object.
// All validation lives here (with the parsers in parse.ts and paths.ts) and runs before any
// side effect; every problem is reported at once.
import * as core from '@actions/core';
import { InvalidInputs } from '../io/errors.js';
import { maskSecret } from '../io/secrets.js';
import { USER_AGENT } from '../io/version.js';
import { parseLockWait, readArtifact } from './deploy-inputs.js';
import { flyTokenParts, readFlyInputs } from './fly-inputs.js';
import { Input, type ModeName, Modes, Platforms, type PlatformName } from './names.js';
import {
  checkEnvironmentName,
  parseApiUrl,
  parseBoolean,
  parseExpectedStatus,
  parseHttpUrl,
  parseJobPatterns,
  parseNeeds,
  parseSeconds,
  positiveInt,
} from './parse.js';
import { insideWorkspace, readableDirectoryProblem } from './paths.js';
import { InputReader } from './reader.js';
import { runContext } from './run-context.js';
import type { HealthSettings, RunContext, Settings } from './types.js';

export type { FlyInputs, HealthSettings, RunContext, Settings, VersionCheck } from './types.js';
export {
  parseExpectedStatus,
  parseFlyctlArgs,
  parseHttpUrl,
  parseJobList,
  parseNeeds,
  parseSeconds,
} from './parse.js';
export { findOnPath } from './paths.js';

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
// Polls closer than this would hammer the app and could not be told apart on a timer.
const MIN_INTERVAL_S = 0.1;
// One poll needs time to connect and be answered: a shorter timeout fails a healthy app.
const MIN_TIMEOUT_S = 1;
// Below a few ms every answer is slow; above the longest poll timeout (10 s) it never acts.
const MIN_LATENCY_S = 0.01;
const MAX_LATENCY_S = 10;

/** Masks the tokens before anything else can print them, and keeps them out of platform
 * text the action copies (io/secrets.ts). */
function maskTokens(reader: InputReader): void {
  const apiToken = reader.raw(Input.ApiToken);
  const githubToken = reader.raw(Input.GithubToken);
  maskSecret(apiToken);
  maskSecret(githubToken);
  if (reader.raw(Input.Platform) === 'fly') flyTokenParts(apiToken).forEach(maskSecret);
}

function readPlatform(reader: InputReader): PlatformName {
  const value = reader.raw(Input.Platform);
  if (SUPPORTED_PLATFORMS.includes(value as PlatformName)) return value as PlatformName;
  const known = (Platforms as readonly string[]).includes(value);
  const allowed = `allowed: ${SUPPORTED_PLATFORMS.join(', ')}`;
  reader.fail(
    Input.Platform,
    value,
    known ? `is not supported by this version yet; ${allowed}` : `is not a platform; ${allowed}`,
  );
  return 'heroku';
}

/** The modes that pass the gate and look at the source: a deploy, and its plan. */
function gated(mode: ModeName): boolean {
  return mode === 'deploy' || mode === 'plan';
}

function readMode(reader: InputReader): ModeName {
  const value = reader.raw(Input.Mode) === '' ? 'deploy' : reader.raw(Input.Mode);
  if ((Modes as readonly string[]).includes(value)) return value as ModeName;
  reader.fail(Input.Mode, value, `is not a mode; allowed: ${Modes.join(', ')}`);
  return 'deploy';
}

function readTokens(reader: InputReader, mode: ModeName): { api: string; github: string } {
  const api = reader.raw(Input.ApiToken);
  const github = reader.raw(Input.GithubToken);
  if (api === '') {
    reader.failUnquoted(Input.ApiToken, 'is empty; pass the platform API token secret');
  } else if (/[\s\p{Cc}]/u.test(api.replace(/^(FlyV1|Bearer) /, ''))) {
    reader.failUnquoted(
      Input.ApiToken,
      'contains white space, a line break or a control character',
    );
  }
  if (github === '' && gated(mode)) {
    reader.failUnquoted(Input.GithubToken, 'is empty; the default is ${{ github.token }}');
  } else if (/[\s\p{Cc}]/u.test(github)) {
    reader.failUnquoted(Input.GithubToken, 'contains white space or a control character');
  }
  return { api, github };
}

function readHealth(reader: InputReader, run: RunContext): HealthSettings {
  const expectedStatus = reader.parsed(Input.ExpectedStatus, parseExpectedStatus, []);
  const intervalS = reader.parsed(
    Input.HealthInterval,
    (v) => parseSeconds(v, MAX_INTERVAL_S, MIN_INTERVAL_S, 'polls closer than that hammer the app'),
    NaN,
  );
  const timeoutS = reader.parsed(
    Input.HealthTimeout,
    (v) => parseSeconds(v, MAX_TIMEOUT_S, MIN_TIMEOUT_S, 'one poll needs time to be answered'),
    NaN,
  );
  const threshold = reader.parsed(
    Input.HealthyThreshold,
    (v) => positiveInt(v, MAX_THRESHOLD),
    NaN,
  );
  // N consecutive passes on an interval grid need (N-1) intervals: more than the timeout
  // would make a healthy verdict impossible.
  if ((threshold - 1) * intervalS >= timeoutS) {
    reader.fail(
      Input.HealthyThreshold,
      reader.raw(Input.HealthyThreshold),
      `needs ${threshold - 1} intervals of ${intervalS} s, which do not fit in ` +
        `health-timeout ${timeoutS} s; lower it or raise health-timeout`,
    );
  }
  const unhealthyThreshold = reader.parsed(
    Input.UnhealthyThreshold,
    (v) => positiveInt(v, MAX_THRESHOLD),
    NaN,
  );
  const maxLatencyS = reader.optional(Input.MaxLatency, (v) =>
    parseSeconds(v, MAX_LATENCY_S, MIN_LATENCY_S, 'below that every answer is slow'),
  );
  const versionUrl = reader.optional(Input.VersionUrl, parseHttpUrl)?.toString();
  const expectedVersion = reader.raw(Input.ExpectedVersion);
  if (expectedVersion !== '' && versionUrl === undefined) {
    reader.fail(Input.ExpectedVersion, expectedVersion, 'is set but version-url is empty');
  }
  return {
    criteria: {
      expectedStatus,
      checkString: reader.raw(Input.CheckString),
      maxLatencyMs: maxLatencyS === undefined ? undefined : Math.round(maxLatencyS * 1000),
    },
    version:
      versionUrl === undefined
        ? undefined
        : { url: versionUrl, expected: expectedVersion === '' ? run.sha : expectedVersion },
    intervalMs: Math.round(intervalS * 1000),
    timeoutMs: Math.round(timeoutS * 1000),
    threshold,
    unhealthyThreshold,
  };
}

function readToRelease(reader: InputReader, mode: ModeName): string | undefined {
  const value = reader.raw(Input.ToRelease);
  if (value === '') return undefined;
  if (mode !== 'rollback') {
    reader.fail(Input.ToRelease, value, `only applies to mode: rollback (mode is ${mode})`);
  } else if (!/^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,254}$/.test(value)) {
    reader.fail(Input.ToRelease, value, 'is not a release (v41) or an image reference');
  }
  return value;
}

function readEnvironment(reader: InputReader): string | undefined {
  const value = reader.raw(Input.Environment);
  if (value === '') return undefined;
  const problem = checkEnvironmentName(value);
  if (problem !== undefined) {
    reader.fail(Input.Environment, value, `is not a GitHub environment name: ${problem}`);
  }
  return value;
}

/** `source-dir`, inside the workspace; only a deploy needs it to be a readable directory. */
function readSourceDir(
  reader: InputReader,
  workspace: string,
  mode: ModeName,
): { dir: string; readable: boolean } {
  const value = reader.raw(Input.SourceDir);
  const resolved = insideWorkspace(workspace, workspace, value === '' ? '.' : value);
  if ('problem' in resolved) {
    reader.fail(Input.SourceDir, value, resolved.problem);
    return { dir: workspace, readable: false };
  }
  const problem = readableDirectoryProblem(resolved.path);
  if (problem !== undefined && gated(mode)) reader.fail(Input.SourceDir, value, problem);
  return { dir: resolved.path, readable: problem === undefined };
}

/**
 * Reads the inputs and the environment. Tokens are masked before anything else happens.
 * Throws `InvalidInputs` listing every bad input; nothing has touched the network by then.
 */
export function getSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const reader = new InputReader((name) => core.getInput(name));
  maskTokens(reader);
  const platform = readPlatform(reader);
  const mode = readMode(reader);
  const app = reader.raw(Input.App);
  if (!APP_NAME[platform].pattern.test(app)) {
    reader.fail(Input.App, app, `is not a ${platform} app name (${APP_NAME[platform].rule})`);
  }
  const tokens = readTokens(reader, mode);
  const apiUrl = reader.optional(Input.ApiUrl, parseApiUrl)?.toString();
  const run = runContext(env, reader.problems);
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const source = readSourceDir(reader, workspace, mode);
  const artifact = readArtifact(reader, platform, mode);
  const flyInputs =
    platform === 'fly' && gated(mode)
      ? readFlyInputs(reader, env, workspace, source.dir, source.readable)
      : undefined;
  const settings: Settings = {
    mode,
    platform,
    app,
    apiToken: tokens.api,
    apiUrl: (apiUrl ?? DEFAULT_API_URL[platform]).replace(/\/+$/, ''),
    githubToken: tokens.github,
    requireJobs: reader.parsed(Input.RequireJobs, parseJobPatterns, []),
    needs: reader.optional(Input.Needs, parseNeeds),
    healthUrl: reader.optional(Input.HealthUrl, parseHttpUrl)?.toString(),
    health: readHealth(reader, run),
    rollback: reader.parsed(Input.Rollback, parseBoolean, true),
    force: reader.parsed(Input.Force, parseBoolean, false),
    lockWaitMs: reader.parsed(Input.LockWait, parseLockWait, 0),
    ...(artifact === undefined ? {} : { artifact }),
    toRelease: readToRelease(reader, mode),
    environment: readEnvironment(reader),
    sourceDir: source.dir,
    // Only a deploy builds anything (and a plan says what it would build): rollback and
    // verify need no checkout or flyctl.
    // A Fly artifact is an image pinned by digest: flyctl deploys it with --image, no build.
    fly: flyInputs && artifact !== undefined ? { ...flyInputs, image: artifact } : flyInputs,
    run,
    userAgent: USER_AGENT,
  };
  if (reader.problems.length > 0) throw new InvalidInputs(reader.problems);
  return settings;
}
