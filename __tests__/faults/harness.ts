// The in-process fault harness, platform-neutral: runs the real deploy flow (`runDeploy`)
// against a simulator, the health check on an injected clock and every other wait bounded by a
// timeout only a hang reaches, then judges the run against the simulator's truth.
// A platform plugs in as a `Lane` (heroku-lane.ts, fly-lane.ts, built from lane-kit.ts); a
// lane owns one simulator and one app and runs cases one after another, each relative to the
// release live before it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getOctokit } from '@actions/github';
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { type FlowDeps, runDeploy } from '../../src/flow/deploy.js';
import { errorMessage } from '../../src/io/errors.js';
import { listRunJobs } from '../../src/gate/github-jobs.js';
import type { Settings } from '../../src/settings/inputs.js';
import type { PlatformName } from '../../src/settings/names.js';
import type { Platform, Release } from '../../src/platforms/platform.js';
import { httpPoll, liveProbeDeps, type ProbeDeps } from '../../src/verify/probe.js';
import { renderSummary, writeOutputs } from '../../src/report/summary.js';
import type { RetryPolicy } from '../../src/io/retry.js';
import { newRunRecord, type RunRecord } from '../../src/flow/run-record.js';
import type { RunKey } from '../../sim/types.js';
import { CLIENT_TIMEOUT_MS, type FaultKind, PROBE_TIMEOUT_MS } from './fault-kinds.js';

/** The action's health check in a lane, on the lane's probe clock (see `laneProbeDeps`): a
 * broken release is condemned after timeoutMs / intervalMs polls of a running app. */
export const HEALTH = { intervalMs: 30, threshold: 2, timeoutMs: 600 } as const;
/** The budget never binds before the attempts do: every attempt may end in a hang, and on a
 * loaded machine (two copies of the suite at once) an answered attempt can take seconds. */
export const RETRY: RetryPolicy = {
  attempts: 3,
  baseMs: 20,
  maxMs: 100,
  budgetMs: 15 * CLIENT_TIMEOUT_MS,
};
export const POLL_INTERVALS_MS: readonly number[] = [20, 30, 50];
/** The flow's own waits (rollback retries: 2 s, 4 s) shrink to this: faster, and harsher. */
const MAX_FLOW_SLEEP_MS = 50;

/** Where a call of the action lands, and when in the run it happens. */
export interface CallSite {
  readonly name: string;
  readonly method: string;
  /** Tested against the path without the query string. */
  readonly path: RegExp;
  /** Only reached once the push has started (faults there matter for broken releases too). */
  readonly afterPush: boolean;
}

export type ReleaseBehaviour = 'healthy' | 'slow' | 'broken' | 'crashing';

export interface PlannedFault {
  readonly site: string;
  readonly kind: FaultKind;
  readonly times: number;
}

export interface CaseSpec {
  readonly release: ReleaseBehaviour;
  readonly faults: readonly PlannedFault[];
}

/** The simulator's view of the live app. */
export interface Truth {
  readonly release: Release;
  /** What the app's public URL says on /version ('' when it did not answer 200). */
  readonly code: string;
  readonly healthy: boolean;
  /** The live release re-releases `before` (a rollback to it). */
  readonly restoresBefore: boolean;
}

/** `deployed`, `rolled-back`, `refused`, or `failed-untouched` / `failed-restored` /
 * `failed-app-may-be-down` by what is live after a failure. */
export type Outcome = string;

export interface CaseReport {
  readonly spec: CaseSpec;
  readonly record: RunRecord;
  readonly summary: string;
  readonly before: Truth;
  readonly after: Truth;
  /** The /version of the code this case shipped. */
  readonly newCode: string;
  readonly outcome: Outcome;
  readonly violations: readonly string[];
  readonly ms: number;
}

export interface Lane {
  readonly platform: PlatformName;
  readonly callSites: readonly CallSite[];
  runCase(spec: CaseSpec): Promise<CaseReport>;
  close(): Promise<void>;
}

/** Every field of Settings, for `mode: deploy` with the harness's quick health check. */
export function deploySettings(fields: {
  platform: PlatformName;
  app: string;
  apiUrl: string;
  apiToken: string;
  githubApiUrl: string;
  githubToken: string;
  run: RunKey;
  sha: string;
  sourceDir: string;
  runnerName: string;
}): Settings {
  return {
    mode: 'deploy',
    platform: fields.platform,
    app: fields.app,
    apiToken: fields.apiToken,
    apiUrl: fields.apiUrl,
    githubToken: fields.githubToken,
    requireJobs: ['test'],
    needs: undefined,
    healthUrl: undefined,
    health: {
      criteria: { expectedStatus: [{ min: 200, max: 299 }], checkString: '' },
      version: undefined,
      intervalMs: HEALTH.intervalMs,
      timeoutMs: HEALTH.timeoutMs,
      threshold: HEALTH.threshold,
      unhealthyThreshold: 3,
    },
    rollback: true,
    toRelease: undefined,
    environment: undefined,
    sourceDir: fields.sourceDir,
    fly: undefined,
    run: {
      owner: fields.run.owner,
      repo: fields.run.repo,
      runId: fields.run.runId,
      attempt: fields.run.attempt,
      sha: fields.sha,
      apiUrl: fields.githubApiUrl,
      serverUrl: 'https://github.com',
      runnerName: fields.runnerName,
    },
    userAgent: 'guarded-deploy-faults/0',
  };
}

/** An undici dispatcher whose every request gives up after CLIENT_TIMEOUT_MS without headers
 * or without a body chunk: the platform clients' own 30 s would make a hang cost 30 s.
 * `limitFor` may give a request a longer limit by its path (a long poll that waits server-side
 * on purpose, like Fly's machine wait). */
export function shortTimeoutDispatcher(
  limitFor: (path: string) => number = () => CLIENT_TIMEOUT_MS,
): { dispatcher: Dispatcher; close(): Promise<void> } {
  const agent = new Agent({ keepAliveTimeout: 2_000, connections: 8 });
  const dispatcher = agent.compose((dispatch) => (options, handler) => {
    const limit = limitFor(options.path);
    const cap = (value: number | null | undefined): number => Math.min(value ?? limit, limit);
    return dispatch(
      {
        ...options,
        headersTimeout: cap(options.headersTimeout),
        bodyTimeout: cap(options.bodyTimeout),
      },
      handler,
    );
  });
  return { dispatcher, close: () => agent.close() };
}

/**
 * The health probe's injected clock in a lane: it advances by the waits the probe asks for
 * between polls, and not while `booting()` says a process of the app has yet to bind its
 * port. A verdict so counts polls of a running app: a boot or a poll slowed by a loaded
 * machine never condemns a release, and a broken one is condemned in the same few polls.
 */
export function laneProbeDeps(booting: () => boolean): ProbeDeps {
  let elapsedMs = 0;
  return {
    now: () => elapsedMs,
    async sleep(ms, signal) {
      await liveProbeDeps.sleep(ms, signal);
      if (!booting()) elapsedMs += ms;
    },
    // The probe sizes a poll's timeout by what is left of its deadline on this clock, which
    // says nothing about real time: every poll gets the same real bound.
    poll: (url) => httpPoll(url, PROBE_TIMEOUT_MS),
  };
}

/** The flow's own waits (rollback retries, lease retries) in a lane. */
export const flowSleep = (ms: number): Promise<void> => sleep(Math.min(ms, MAX_FLOW_SLEEP_MS));

export function flowDeps(
  createPlatform: (settings: Settings) => Platform,
  booting: () => boolean,
): FlowDeps {
  return {
    now: () => Date.now(),
    sleep: flowSleep,
    createPlatform,
    listJobs: (settings) =>
      listRunJobs(
        getOctokit(settings.githubToken, { baseUrl: settings.run.apiUrl }),
        {
          owner: settings.run.owner,
          repo: settings.run.repo,
          runId: settings.run.runId,
          attempt: settings.run.attempt,
        },
        CLIENT_TIMEOUT_MS,
      ),
    probe: laneProbeDeps(booting),
    signal: new AbortController().signal,
    // `environment` is unset: no GitHub deployment is recorded.
    deployments: () => undefined,
  };
}

/** Runs the flow like the action's main step does: a throw becomes `failed` with its message
 * as the cause, and the outputs and the summary are written on every path. */
export async function runFlow(
  settings: Settings,
  deps: FlowDeps,
): Promise<{ record: RunRecord; summary: string }> {
  const record = newRunRecord(settings.platform, settings.app, new Date(deps.now()));
  try {
    await runDeploy(settings, deps, record);
  } catch (error) {
    record.result = 'failed';
    record.cause = errorMessage(error);
    record.appState ??= record.previous === undefined ? 'nothing was changed' : undefined;
  } finally {
    writeOutputs(record);
  }
  return { record, summary: renderSummary(record) };
}

/**
 * @actions/core writes workflow commands to stdout and to the GITHUB_* files: point the files
 * at a temp dir and swallow stdout while the flows run (the test's own output comes after).
 */
export async function silenceActionsCore(): Promise<{
  outputs(): Promise<string>;
  restore(): Promise<void>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gd-faults-core-'));
  const names = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY', 'GITHUB_ENV'];
  const saved = new Map(names.map((name) => [name, process.env[name]]));
  for (const name of names) {
    const file = path.join(dir, name.toLowerCase());
    await writeFile(file, '');
    process.env[name] = file;
  }
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true;
  let restored = false;
  return {
    outputs: () => readFile(path.join(dir, 'github_output'), 'utf8'),
    async restore() {
      if (restored) return;
      restored = true;
      process.stdout.write = write;
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The promise the action makes, checked after every case; returns what is broken. */
export function checkInvariant(input: {
  readonly record: RunRecord;
  readonly summary: string;
  readonly before: Truth;
  readonly after: Truth;
  readonly newCode: string;
  readonly release: ReleaseBehaviour;
  /** The schedule failed every rollback attempt: then, and only then, the run may end with
   * the new release live, provided it says so (THE APP MAY BE DOWN, how to recover). */
  readonly rollbackExhausted?: boolean;
}): string[] {
  const { record, summary, before, after, newCode } = input;
  const problems: string[] = [];
  const result = record.result;
  if (result === undefined) problems.push('no result was recorded');
  if (!summary.includes(`result \`${result ?? 'failed'}\``)) {
    problems.push('the summary does not state the result');
  }
  if (record.previous !== undefined && record.previous.id !== before.release.id) {
    problems.push(`recorded ${record.previous.label} as previous, but ${before.release.label} was`);
  }
  if (result === 'deployed') {
    if (record.release?.id !== after.release.id) {
      problems.push(`deployed ${record.release?.label ?? '?'}, but ${after.release.label} is live`);
    }
    if (after.code !== newCode) problems.push(`deployed, but the app serves '${after.code}'`);
    if (!after.healthy) problems.push('deployed, but /health does not answer 200');
    if (input.release === 'broken' || input.release === 'crashing') {
      problems.push(`deployed a ${input.release} release`);
    }
    return problems;
  }
  const cause = record.cause ?? '';
  if (cause.trim() === '') problems.push(`result ${String(result)} without a cause`);
  if (cause.includes('\n')) problems.push(`cause is not one line: ${JSON.stringify(cause)}`);
  if (
    // Every rollback attempt defeated: said loudly with a way to recover by hand is the most
    // that can be asked, whatever was left (even a stopped machine on the new image).
    input.rollbackExhausted === true &&
    record.appState === 'THE APP MAY BE DOWN' &&
    record.recovery !== undefined
  ) {
    return problems;
  }
  // Not deployed: the release live before must be live (never replaced, or restored).
  if (after.code !== before.code) {
    problems.push(`not deployed, yet the app serves '${after.code}' (before: '${before.code}')`);
  }
  if (!after.healthy) problems.push('not deployed, and /health of the old release fails');
  if (after.release.id !== before.release.id && !after.restoresBefore) {
    problems.push(`${after.release.label} is live: neither ${before.release.label} nor a rollback`);
  }
  if (result === 'rolled-back') {
    if (!after.restoresBefore && after.release.id !== before.release.id) {
      problems.push('rolled back, but the live release does not restore the previous one');
    }
    if (record.rollbackRelease?.id !== after.release.id) {
      problems.push(
        `rolled back with ${record.rollbackRelease?.label ?? '?'}, ` +
          `but ${after.release.label} is live`,
      );
    }
  }
  return problems;
}

export function outcomeOf(record: RunRecord, before: Truth, after: Truth): Outcome {
  const result = record.result ?? 'no-result';
  if (result !== 'failed') return result;
  if (after.code !== before.code) return 'failed-app-may-be-down';
  return after.release.id === before.release.id ? 'failed-untouched' : 'failed-restored';
}

/** A case's report from its run; `judged` is the record as the lane reads it (default: as
 * recorded). */
export function caseReport(fields: {
  readonly spec: CaseSpec;
  readonly flow: { readonly record: RunRecord; readonly summary: string };
  readonly judged?: RunRecord;
  readonly before: Truth;
  readonly after: Truth;
  readonly newCode: string;
  readonly violations: readonly string[];
  readonly startedAt: number;
}): CaseReport {
  const { spec, flow, before, after, newCode, violations } = fields;
  return {
    spec,
    record: flow.record,
    summary: flow.summary,
    before,
    after,
    newCode,
    outcome: outcomeOf(fields.judged ?? flow.record, before, after),
    violations,
    ms: Date.now() - fields.startedAt,
  };
}

/** Runs `cases` over `lanes`, each lane taking the next case when it is free. */
export async function runOnLanes<L extends Lane, T, R>(
  lanes: readonly L[],
  cases: readonly T[],
  run: (lane: L, item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(cases.length);
  let next = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      while (next < cases.length) {
        const index = next;
        next += 1;
        results[index] = await run(lane, cases[index] as T);
      }
    }),
  );
  return results;
}
