// Everything the run learns, filled in as it goes, so outputs and the summary can be
// written from whatever point the run stopped at, including a crash.
import type { GateVerdict } from '../gate/gate.js';
import { DeployError, type OutputTail } from '../io/errors.js';
import type { ResultValue } from '../settings/names.js';
import type { InstanceReport, Release } from '../platforms/platform.js';
import type { BaselineReport } from '../verify/baseline.js';
import type { HealthReport } from '../verify/probe.js';
import type { VerdictKind } from '../verify/verdict.js';

export type PhaseOutcome = 'ok' | 'failed' | 'refused' | 'skipped';

export interface PhaseRecord {
  readonly name: string;
  /** Milliseconds since the run started. */
  readonly startMs: number;
  durationMs: number;
  outcome: PhaseOutcome;
  detail: string;
}

export interface RunRecord {
  readonly platform: string;
  readonly app: string;
  readonly startedAt: Date;
  /** `deploy`, `rollback`, `verify` or `post` (the post step finishing a rollback). */
  mode: string;
  result: ResultValue | undefined;
  /** One line: why the run did not end `deployed`. */
  cause: string | undefined;
  /** What state the app is in after a failure, in words. */
  appState: string | undefined;
  previous: Release | undefined;
  release: Release | undefined;
  /** A release this deploy made that never went live (its release phase failed). */
  neverLive?: Release;
  rollbackRelease: Release | undefined;
  rolledBack: boolean;
  healthUrl: string | undefined;
  /** Where the app answers (the GitHub deployment's environment URL). */
  webUrl: string | undefined;
  gate: GateVerdict | undefined;
  health: HealthReport | undefined;
  /** The release live before, polled before the push. */
  baseline: BaselineReport | undefined;
  /** The health verdict on the new release (the `verdict` output). */
  verdict: VerdictKind | undefined;
  /** The last lines the condemned release printed, as the platform kept them. */
  appLogs: readonly string[] | undefined;
  rollbackHealth: HealthReport | undefined;
  instances: InstanceReport | undefined;
  rollbackInstances: InstanceReport | undefined;
  recovery: string | undefined;
  notices: string[];
  phases: PhaseRecord[];
  /** Output tails worth reading after a failure (flyctl, build, release phase). */
  logs: OutputTail[];
  /** What the verified release runs, for another deploy (the `artifact` output). */
  artifact?: string;
  /** `mode: plan`: what a deploy would do, one row per fact. */
  plan?: ReadonlyArray<readonly [string, string]>;
}

export function newRunRecord(platform: string, app: string, startedAt: Date): RunRecord {
  return {
    platform,
    app,
    startedAt,
    mode: 'deploy',
    result: undefined,
    cause: undefined,
    appState: undefined,
    previous: undefined,
    release: undefined,
    rollbackRelease: undefined,
    rolledBack: false,
    healthUrl: undefined,
    webUrl: undefined,
    gate: undefined,
    health: undefined,
    baseline: undefined,
    verdict: undefined,
    appLogs: undefined,
    rollbackHealth: undefined,
    instances: undefined,
    rollbackInstances: undefined,
    recovery: undefined,
    notices: [],
    phases: [],
    logs: [],
  };
}

/** Runs `work` as a named phase of the timeline; a throw marks it failed and propagates. */
export async function phase<T>(
  record: RunRecord,
  name: string,
  now: () => number,
  work: (done: (outcome: PhaseOutcome, detail?: string) => void) => Promise<T>,
): Promise<T> {
  const start = now();
  const entry: PhaseRecord = {
    name,
    startMs: start - record.startedAt.getTime(),
    durationMs: 0,
    outcome: 'ok',
    detail: '',
  };
  record.phases.push(entry);
  const done = (outcome: PhaseOutcome, detail = ''): void => {
    entry.outcome = outcome;
    entry.detail = detail;
  };
  try {
    return await work(done);
  } catch (error) {
    entry.outcome = 'failed';
    if (entry.detail === '') entry.detail = error instanceof Error ? error.message : String(error);
    if (error instanceof DeployError && error.output !== undefined) record.logs.push(error.output);
    throw error;
  } finally {
    entry.durationMs = now() - start;
  }
}
