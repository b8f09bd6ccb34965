// Runs the action (dist/index.js) on a scenario and keeps every stdout line with the time it
// arrived, plus the requests the simulator saw during the run, all on one clock.
import type { AppConfig } from '../sim/app-repo.js';
import type { RunResult } from '../sim/runner.js';
import { runAction } from '../sim/runner.js';
import { FAST_HEALTH, GITHUB_TOKEN, HEROKU_TOKEN } from '../sim/scenario.js';
import type { Scenario } from '../sim/scenario.js';
import type { RecordedRequest } from '../sim/types.js';
import { nowMs } from './clock.js';

export interface TimedLine {
  readonly text: string;
  /** Epoch ms when the bench read the line. */
  readonly at: number;
}

export interface TimedRun {
  readonly result: RunResult;
  readonly lines: readonly TimedLine[];
  /** Epoch ms just before the runner spawned the process. */
  readonly spawnedAt: number;
  /** Requests that reached the simulator during the run. */
  readonly requests: readonly RecordedRequest[];
}

export interface TimedRunOptions {
  /** Workspace and commit to run on; default: commit `config` to the scenario's checkout. */
  readonly checkout?: { readonly dir: string; readonly sha: string };
  readonly config?: AppConfig;
  readonly inputs?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** Called for each line as it arrives (e.g. to start a competing checker). */
  readonly onLine?: (line: TimedLine) => void;
}

export async function runTimed(scenario: Scenario, options: TimedRunOptions): Promise<TimedRun> {
  const checkout = options.checkout ?? {
    dir: scenario.repo.dir,
    sha: await scenario.repo.commit(options.config ?? {}),
  };
  const lines: TimedLine[] = [];
  let spawnedAt: number | undefined;
  const firstRequest = scenario.sim.requests.length;
  const result = await runAction({
    inputs: {
      platform: 'heroku',
      app: scenario.app,
      'api-token': HEROKU_TOKEN,
      'api-url': scenario.sim.herokuApiUrl,
      ...FAST_HEALTH,
      ...options.inputs,
    },
    github: {
      apiUrl: scenario.sim.githubApiUrl,
      token: GITHUB_TOKEN,
      repository: `${scenario.run.owner}/${scenario.run.repo}`,
      runId: scenario.run.runId,
      attempt: scenario.run.attempt,
      sha: checkout.sha,
      workspace: checkout.dir,
      runnerName: 'GitHub Actions 7',
    },
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    onLine: (text, sinceSpawnMs) => {
      const line = { text, at: nowMs() };
      spawnedAt ??= line.at - sinceSpawnMs;
      lines.push(line);
      options.onLine?.(line);
    },
  });
  if (spawnedAt === undefined) {
    throw new Error(
      `the action printed nothing (exit ${String(result.exitCode)}):\n${result.stderr}`,
    );
  }
  return { result, lines, spawnedAt, requests: scenario.sim.requests.slice(firstRequest) };
}

/** Index of the first line at or after `from` that matches. */
export function findLine(lines: readonly TimedLine[], pattern: RegExp, from = 0): number {
  for (let index = from; index < lines.length; index += 1) {
    if (pattern.test(lines[index]?.text ?? '')) return index;
  }
  return -1;
}

/** A health check as the log shows it: its group, its polls and the moment it ended. */
export interface HealthGroup {
  readonly startedAt: number;
  /** When `::endgroup::` came, i.e. when the verdict was made. */
  readonly endedAt: number;
  readonly pollLatenciesMs: readonly number[];
  /** Index of the `::endgroup::` line. */
  readonly endIndex: number;
}

/** The `nth` (0-based) "Health of ..." group of the run's log. */
export function healthGroup(lines: readonly TimedLine[], nth: number): HealthGroup | undefined {
  let start = -1;
  for (let seen = 0; seen <= nth; seen += 1) {
    start = findLine(lines, /^::group::Health of /, start + 1);
    if (start < 0) return undefined;
  }
  const end = findLine(lines, /^::endgroup::$/, start + 1);
  if (end < 0) return undefined;
  const pollLatenciesMs: number[] = [];
  for (const line of lines.slice(start + 1, end)) {
    const match = /^poll \d+: \S+ in (\d+) ms/.exec(line.text);
    if (match) pollLatenciesMs.push(Number(match[1]));
  }
  return {
    startedAt: lines[start]?.at ?? Number.NaN,
    endedAt: lines[end]?.at ?? Number.NaN,
    pollLatenciesMs,
    endIndex: end,
  };
}

const LOG_READ_LINE = /^The app's own logs: \d+ lines read in (\d+) ms/;

/** How long the action's read of the condemned release's own log lines took, as it logged
 * it after `from` (the verdict); NaN when it read none. */
export function logReadMs(lines: readonly TimedLine[], from: number): number {
  const line = lines[findLine(lines, LOG_READ_LINE, from)];
  return Number(LOG_READ_LINE.exec(line?.text ?? '')?.[1] ?? Number.NaN);
}

export function describeFailure(run: TimedRun): string {
  return `exit ${String(run.result.exitCode)}, outputs ${JSON.stringify(run.result.outputs)}`;
}
