// Random fault schedules over a whole Heroku deploy: which call sites fail, how, how often,
// and whether the new release is healthy, slow to start, broken or crashing. The invariant
// holds for every schedule. FAULT_SCHEDULES sets how many (`npm test` runs a few,
// `npm run test:soak` hundreds); a failure prints the FAULT_SEED and FAULT_PATH that replay it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from './fault-kinds.js';
import { type CaseSpec, type PlannedFault, type ReleaseBehaviour, runOnLanes } from './harness.js';
import { startHerokuLane } from './heroku-lane.js';
import {
  checkSchedules,
  describeCase,
  expectNoViolations,
  scheduleRun,
  Tally,
  useLanes,
} from './suite.js';

/** Lanes run side by side, each taking the next schedule of a batch when it is free, so a
 * slow schedule holds up one lane, not the batch; a run of the property is one batch. */
const LANES = 8;
const RUN = scheduleRun();
const MAX_BATCH = 3 * LANES;
const RUNS = Math.ceil(RUN.count / MAX_BATCH);
const BATCH = Math.ceil(RUN.count / RUNS);
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
    const tally = new Tally();
    await checkSchedules(
      fc.asyncProperty(
        fc.array(schedule(sites), { minLength: BATCH, maxLength: BATCH }),
        async (batch) => {
          const reports = await runOnLanes(lanes, batch, (lane, spec) => lane.runCase(spec));
          tally.add(reports);
          expectNoViolations(
            reports.filter((r) => r.violations.length > 0).map((r) => describeCase(r)),
          );
        },
      ),
      RUN,
      RUNS,
    );
    suite.print(tally.line('Heroku', RUN));
    expect(tally.ran).toBeGreaterThanOrEqual(RUN.count);
  }, 900_000);
});
