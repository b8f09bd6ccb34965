// What every fault test file does around its cases: start its lanes with @actions/core
// silenced, print its table once stdout is back, stop the lanes; how a failing case is told;
// and how many random schedules a property runs, from which seed.
import fc from 'fast-check';
import { afterAll, beforeAll } from 'vitest';
import { FAULT_KINDS, type FaultKind } from './fault-kinds.js';
import { type CaseReport, type Lane, silenceActionsCore } from './harness.js';

/** Schedules per platform in `npm test`; `npm run test:soak` sets FAULT_SCHEDULES=300. */
export const DEFAULT_SCHEDULES = 40;

/** Fault kinds per call site in the fast lane's matrices. */
export const FAST_KINDS_PER_SITE = 2;

/**
 * The fault kinds a matrix runs at the call site numbered `siteIndex`. `FAULT_MATRIX=full`
 * (the soak lane) runs every kind at every site; the fast lane runs FAST_KINDS_PER_SITE of
 * them, shifted site by site, so every site meets several kinds and every kind several sites.
 */
export function matrixKinds(
  siteIndex: number,
  env: NodeJS.ProcessEnv = process.env,
): readonly FaultKind[] {
  if (env.FAULT_MATRIX === 'full') return FAULT_KINDS;
  if (env.FAULT_MATRIX !== undefined && env.FAULT_MATRIX !== '') {
    throw new Error(`FAULT_MATRIX must be 'full' or empty, got '${env.FAULT_MATRIX}'`);
  }
  return Array.from(
    { length: FAST_KINDS_PER_SITE },
    (_, k) => FAULT_KINDS[(siteIndex * FAST_KINDS_PER_SITE + k) % FAULT_KINDS.length],
  ).filter((kind): kind is FaultKind => kind !== undefined);
}

export interface LaneSuite<L extends Lane> {
  lanes(): readonly L[];
  /** Everything the runs wrote to GITHUB_OUTPUT. */
  outputs(): Promise<string>;
  /** Printed after the lanes stopped (stdout is swallowed while the flows run). */
  print(text: string): void;
}

/** Registers the file's beforeAll / afterAll: `start` makes the lanes. */
export function useLanes<L extends Lane>(
  start: () => Promise<L[]>,
  startTimeoutMs = 120_000,
): LaneSuite<L> {
  let lanes: L[] = [];
  let core: Awaited<ReturnType<typeof silenceActionsCore>> | undefined;
  const printed: string[] = [];
  beforeAll(async () => {
    core = await silenceActionsCore();
    lanes = await start();
  }, startTimeoutMs);
  afterAll(async () => {
    await core?.restore();
    for (const text of printed) console.log(text);
    await Promise.all(lanes.map((lane) => lane.close()));
  });
  return {
    lanes: () => lanes,
    outputs: async () => (core === undefined ? '' : core.outputs()),
    print: (text) => printed.push(text),
  };
}

/** One line for a case that broke the invariant; `context` leads (strategy, flyctl mode). */
export function describeCase(report: CaseReport, context: readonly string[] = []): string {
  const faults = report.spec.faults.map((f) => `${f.site} ${f.kind} ×${f.times}`).join(', ');
  const given = [...context, report.spec.release, faults || 'no faults'].join('; ');
  return (
    `[${given}] -> ${report.outcome}: ${report.violations.join('; ')} ` +
    `(cause: ${report.record.cause ?? '-'})`
  );
}

/** `N cases, slowest M ms (the case)`: where a matrix spends its time. */
export function timingLine(reports: readonly CaseReport[]): string {
  const slowest = reports.reduce<CaseReport | undefined>(
    (found, report) => (found === undefined || report.ms > found.ms ? report : found),
    undefined,
  );
  if (slowest === undefined) return '0 cases';
  const faults = slowest.spec.faults.map((f) => `${f.site} ${f.kind} ×${f.times}`).join(', ');
  return (
    `${reports.length} cases, slowest ${slowest.ms} ms ` +
    `(${slowest.spec.release}; ${faults || 'no faults'} -> ${slowest.outcome})`
  );
}

export interface ScheduleRun {
  /** Schedules per platform: FAULT_SCHEDULES, default DEFAULT_SCHEDULES. */
  readonly count: number;
  /** FAULT_SEED, or drawn now (printed either way). */
  readonly seed: number;
  /** FAULT_PATH: with the seed, replays a failure fast-check reported. */
  readonly path: string | undefined;
}

function integerFrom(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) {
    throw new Error(`${name} must be a positive integer, got '${value}'`);
  }
  return parsed;
}

export function scheduleRun(env: NodeJS.ProcessEnv = process.env): ScheduleRun {
  return {
    count: integerFrom('FAULT_SCHEDULES', env.FAULT_SCHEDULES) ?? DEFAULT_SCHEDULES,
    seed:
      integerFrom('FAULT_SEED', env.FAULT_SEED) ?? 1 + Math.floor(Math.random() * (2 ** 31 - 2)),
    path: env.FAULT_PATH === '' ? undefined : env.FAULT_PATH,
  };
}

/** Throws with one line per case that broke the invariant (inside a property a thrown
 * message is all that reaches the report). */
export function expectNoViolations(lines: readonly string[]): void {
  expectNone('the invariant broke', lines);
}

/** Fails naming every case found, in the message itself (a reporter may drop a diff). */
export function expectNone(what: string, cases: readonly string[]): void {
  if (cases.length > 0) throw new Error(`${what}:\n${cases.join('\n')}`);
}

/** Runs the property with the run's seed; a failure names the variables that replay it. */
export async function checkSchedules<T>(
  property: fc.IAsyncProperty<T>,
  run: ScheduleRun,
  numRuns: number,
): Promise<void> {
  const details = await fc.check(property, {
    numRuns,
    seed: run.seed,
    ...(run.path === undefined ? {} : { path: run.path }),
    // A batch takes seconds: report the first failing one as drawn, without shrinking.
    endOnFailure: true,
  });
  if (!details.failed) return;
  const replay = `FAULT_SEED=${details.seed} FAULT_PATH=${details.counterexamplePath ?? ''}`;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : '';
  throw new Error(`a fault schedule failed (replay: ${replay}):\n${cause}`);
}

/** Outcomes of a property's schedules, counted as they come. */
export class Tally {
  private count = 0;
  private readonly outcomes = new Map<string, number>();

  add(reports: readonly CaseReport[]): void {
    for (const report of reports) {
      this.count += 1;
      this.outcomes.set(report.outcome, (this.outcomes.get(report.outcome) ?? 0) + 1);
    }
  }

  get ran(): number {
    return this.count;
  }

  /** `seed S: N <platform> schedules: outcome n, …` */
  line(platform: string, run: ScheduleRun): string {
    const counts = [...this.outcomes].map(([outcome, n]) => `${outcome} ${n}`).join(', ');
    return `seed ${run.seed}: ${this.count} ${platform} schedules: ${counts}`;
  }
}
