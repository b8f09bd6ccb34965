// Random fault schedules over a whole Fly deploy: which call sites fail, how, how often,
// whether the new release is healthy, slow to start, broken or crashing, and whether flyctl
// itself fails early, midway, or reports success with a machine left on the old image. The
// invariant holds for every schedule. FAULT_SCHEDULES sets how many (`npm test` runs a few,
// `npm run test:soak` hundreds); a failure prints the FAULT_SEED and FAULT_PATH that replay it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from './fault-kinds.js';
import {
  type FlyCaseSpec,
  type FlyctlMode,
  type FlyLane,
  type FlyShape,
  type FlyStrategy,
  startFlyLanes,
} from './fly-lane.js';
import {
  type CaseReport,
  type PlannedFault,
  type ReleaseBehaviour,
  runOnLanes,
} from './harness.js';
import {
  checkSchedules,
  describeCase,
  expectNoViolations,
  scheduleRun,
  Tally,
  useLanes,
} from './suite.js';

/** Lanes per strategy: most deploys roll; canary leaves a failed canary behind, blue/green
 * replaces every machine (so a rollback creates machines). */
const LANES: Readonly<Record<FlyStrategy, number>> = { rolling: 6, canary: 1, bluegreen: 1 };
/** Schedules per strategy in one run of the property at most; the lanes of a strategy share
 * them, so a slow schedule holds up one lane, not the batch. */
const PER_RUN: Readonly<Record<FlyStrategy, number>> = { rolling: 24, canary: 4, bluegreen: 4 };
const RUN = scheduleRun();
const BATCH = Object.values(PER_RUN).reduce((sum, n) => sum + n, 0);
const RUNS = Math.ceil(RUN.count / BATCH);
/** A smaller count spreads over fewer, smaller batches in the same proportions. */
const PER_BATCH = Object.fromEntries(
  Object.entries(PER_RUN).map(([strategy, n]) => [
    strategy,
    Math.ceil((n * RUN.count) / (RUNS * BATCH)),
  ]),
) as Readonly<Record<FlyStrategy, number>>;
const BEHAVIOURS: readonly ReleaseBehaviour[] = ['healthy', 'slow', 'broken', 'crashing'];
/** Sites only the other strategies reach. */
const UNREACHED: Readonly<Record<FlyStrategy, readonly string[]>> = {
  rolling: ['machine destroy', 'machine create'],
  canary: ['machine create'],
  bluegreen: [],
};

/** Rolling lanes on apps as Fly runs them too: one machine stopped before each case (it must
 * stay stopped and follow the release), one app that declares no checks, and one with a
 * worker group whose machine has a standby. */
const SHAPES: Partial<Record<FlyStrategy, readonly FlyShape[]>> = {
  rolling: ['stopped', 'no-checks', 'standby'],
};
const suite = useLanes(() => startFlyLanes(LANES, SHAPES));
const lanesOf = (strategy: FlyStrategy): FlyLane[] =>
  suite.lanes().filter((lane) => lane.strategy === strategy);

function schedule(strategy: FlyStrategy, siteNames: readonly string[]): fc.Arbitrary<FlyCaseSpec> {
  const sites = siteNames.filter((site) => !UNREACHED[strategy].includes(site));
  const fault: fc.Arbitrary<PlannedFault> = fc.record({
    site: fc.constantFrom(...sites),
    kind: fc.constantFrom(...FAULT_KINDS),
    times: fc.integer({ min: 1, max: 3 }),
  });
  // flyctl mostly works; a stale machine costs the action's full inspect wait (5 s). The
  // stand-in's knobs do nothing on blue/green.
  const flyctl: fc.Arbitrary<FlyctlMode> =
    strategy === 'bluegreen'
      ? fc.constant<FlyctlMode>('ok')
      : fc.oneof(
          { weight: 8, arbitrary: fc.constant<FlyctlMode>('ok') },
          { weight: 1, arbitrary: fc.constant<FlyctlMode>('fails-early') },
          { weight: 1, arbitrary: fc.constant<FlyctlMode>('fails-midway') },
          { weight: 1, arbitrary: fc.constant<FlyctlMode>('stale-machine') },
        );
  return fc.record({
    release: fc.constantFrom(...BEHAVIOURS),
    faults: fc.array(fault, { minLength: 0, maxLength: 3 }),
    flyctl,
  });
}

type Batch = Readonly<Record<FlyStrategy, readonly FlyCaseSpec[]>>;

function batch(siteNames: readonly string[]): fc.Arbitrary<Batch> {
  const group = (strategy: FlyStrategy): fc.Arbitrary<FlyCaseSpec[]> =>
    fc.array(schedule(strategy, siteNames), {
      minLength: PER_BATCH[strategy],
      maxLength: PER_BATCH[strategy],
    });
  return fc.record({
    rolling: group('rolling'),
    canary: group('canary'),
    bluegreen: group('bluegreen'),
  });
}

function explain(report: CaseReport, strategy: string): string {
  return describeCase(report, [strategy, `flyctl ${(report.spec as FlyCaseSpec).flyctl ?? 'ok'}`]);
}

describe('Fly apps with a stopped machine, no checks, or a standby', () => {
  it('deploy a healthy release when nothing fails; stopped and standby machines stay so', async () => {
    const shaped = suite.lanes().filter((lane) => lane.shape !== 'plain');
    expect(shaped.map((lane) => lane.shape).sort()).toEqual(['no-checks', 'standby', 'stopped']);
    const reports = await Promise.all(
      shaped.map((lane) => lane.runFlyCase({ release: 'healthy', faults: [], flyctl: 'ok' })),
    );
    for (const report of reports) {
      expect(report.violations, explain(report, 'rolling')).toEqual([]);
      expect(report.record.result).toBe('deployed');
    }
  }, 120_000);
});

describe('Fly fault schedules', () => {
  it(`keeps the invariant for ${RUN.count} random schedules (seed ${RUN.seed})`, async () => {
    const tally = new Tally();
    const siteNames = (lanesOf('rolling')[0]?.callSites ?? []).map((site) => site.name);
    await checkSchedules(
      fc.asyncProperty(batch(siteNames), async (drawn) => {
        const groups = await Promise.all(
          (Object.keys(LANES) as FlyStrategy[]).map(async (strategy) => {
            // The lane's shape goes with its report, to say which app broke.
            return runOnLanes(lanesOf(strategy), drawn[strategy], async (lane, spec) => ({
              report: await lane.runFlyCase(spec),
              strategy: lane.shape === 'plain' ? strategy : `${strategy} ${lane.shape}`,
            }));
          }),
        );
        const reports = groups.flat();
        tally.add(reports.map(({ report }) => report));
        const broken = reports.filter(({ report }) => report.violations.length > 0);
        expectNoViolations(broken.map(({ report, strategy }) => explain(report, strategy)));
      }),
      RUN,
      RUNS,
    );
    suite.print(tally.line('Fly', RUN));
    expect(tally.ran).toBeGreaterThanOrEqual(RUN.count);
  }, 900_000);
});
