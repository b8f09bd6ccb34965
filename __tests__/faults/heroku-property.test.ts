// Random fault schedules over a whole Heroku deploy: which call sites fail, how, how often,
// and whether the new release is healthy, slow to start, broken or crashing. The invariant
// holds for every schedule. Reproduce a failure with FAULTS_SEED=<seed> FAULTS_PATH=<path>.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS } from './fault-kinds.js';
import {
  type CaseReport,
  type CaseSpec,
  type Lane,
  type PlannedFault,
  type ReleaseBehaviour,
  silenceActionsCore,
} from './harness.js';
import { startHerokuLane } from './heroku-lane.js';

/** Schedules run side by side, one per lane: a run of the property is one batch. */
const LANES = 6;
const SCHEDULES = 300;
const BEHAVIOURS: readonly ReleaseBehaviour[] = ['healthy', 'slow', 'broken', 'crashing'];

let lanes: Lane[] = [];
let core: Awaited<ReturnType<typeof silenceActionsCore>>;
let tally = '';

beforeAll(async () => {
  core = await silenceActionsCore();
  lanes = await Promise.all(Array.from({ length: LANES }, () => startHerokuLane()));
}, 60_000);

afterAll(async () => {
  await core.restore();
  if (tally !== '') console.log(tally);
  await Promise.all(lanes.map((lane) => lane.close()));
});

function schedule(sites: readonly string[]): fc.Arbitrary<CaseSpec> {
  const fault: fc.Arbitrary<PlannedFault> = fc.record({
    site: fc.constantFrom(...sites),
    kind: fc.constantFrom(...FAULT_KINDS),
    times: fc.integer({ min: 1, max: 3 }),
  });
  return fc.record({
    release: fc.constantFrom(...BEHAVIOURS),
    faults: fc.array(fault, { minLength: 0, maxLength: 3 }),
  });
}

function explain(report: CaseReport): string {
  const faults = report.spec.faults.map((f) => `${f.site} ${f.kind} ×${f.times}`).join(', ');
  return (
    `[${report.spec.release}; ${faults || 'no faults'}] -> ${report.outcome}: ` +
    `${report.violations.join('; ')} (cause: ${report.record.cause ?? '-'})`
  );
}

describe('Heroku fault schedules', () => {
  it(`keeps the invariant for ${SCHEDULES} random schedules`, async () => {
    const sites = (lanes[0]?.callSites ?? []).map((site) => site.name);
    const outcomes = new Map<string, number>();
    let ran = 0;
    const seed = process.env.FAULTS_SEED;
    const path = process.env.FAULTS_PATH;
    await fc.assert(
      fc.asyncProperty(
        fc.array(schedule(sites), { minLength: LANES, maxLength: LANES }),
        async (batch) => {
          const reports = await Promise.all(
            batch.map((spec, index) => {
              const lane = lanes[index];
              if (!lane) throw new Error(`no lane ${index}`);
              return lane.runCase(spec);
            }),
          );
          for (const report of reports) {
            ran += 1;
            outcomes.set(report.outcome, (outcomes.get(report.outcome) ?? 0) + 1);
          }
          expect(reports.filter((r) => r.violations.length > 0).map(explain)).toEqual([]);
        },
      ),
      {
        numRuns: Math.ceil(SCHEDULES / LANES),
        // fast-check puts seed and path into the failure message; these replay it.
        ...(seed === undefined ? {} : { seed: Number(seed) }),
        ...(path === undefined ? {} : { path }),
      },
    );
    tally = `${ran} schedules: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`;
    expect(ran).toBeGreaterThanOrEqual(SCHEDULES);
  }, 900_000);
});
