// Random fault schedules over a whole Heroku deploy: which call sites fail, how, how often,
// and whether the new release is healthy, slow to start, broken or crashing. The invariant
// holds for every schedule. FAULT_SCHEDULES sets how many (`npm test` runs a few,
// `npm run test:soak` hundreds); a failure prints the FAULT_SEED and FAULT_PATH that replay it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from './fault-kinds.js';
import type { CaseSpec, PlannedFault, ReleaseBehaviour } from './harness.js';
import { startHerokuLane } from './heroku-lane.js';
import { checkSchedules, describeCase, scheduleRun, useLanes } from './suite.js';

/** Schedules run side by side, one per lane: a run of the property is one batch. */
const LANES = 6;
const RUN = scheduleRun();
const BEHAVIOURS: readonly ReleaseBehaviour[] = ['healthy', 'slow', 'broken', 'crashing'];

const suite = useLanes(() => Promise.all(Array.from({ length: LANES }, () => startHerokuLane())));

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

describe('Heroku fault schedules', () => {
  it(`keeps the invariant for ${RUN.count} random schedules (seed ${RUN.seed})`, async () => {
    const lanes = suite.lanes();
    const sites = (lanes[0]?.callSites ?? []).map((site) => site.name);
    const outcomes = new Map<string, number>();
    let ran = 0;
    await checkSchedules(
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
          expect(
            reports.filter((r) => r.violations.length > 0).map((r) => describeCase(r)),
          ).toEqual([]);
        },
      ),
      RUN,
      Math.ceil(RUN.count / LANES),
    );
    suite.print(
      `seed ${RUN.seed}: ${ran} Heroku schedules: ` +
        [...outcomes].map(([k, v]) => `${k} ${v}`).join(', '),
    );
    expect(ran).toBeGreaterThanOrEqual(RUN.count);
  }, 900_000);
});
