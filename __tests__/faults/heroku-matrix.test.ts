// Every call site of a Heroku deploy × every fault, with a healthy release and (where the
// site is reached after the push) a broken one: the invariant holds in each case.
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, type FaultKind } from './fault-kinds.js';
import { type CaseSpec, runOnLanes } from './harness.js';
import { startHerokuLane } from './heroku-lane.js';
import { type MatrixCell, renderMatrix } from './matrix-table.js';
import {
  describeCase,
  expectNone,
  expectNoViolations,
  matrixKinds,
  timingLine,
  useLanes,
} from './suite.js';

const LANES = 6;
/** Faults a retried idempotent read absorbs when they happen once. */
const RETRIED: readonly FaultKind[] = ['500', '502', '503', '429', 'reset', 'hang', 'trickle'];
const HEROKU_READS = [
  'GET app',
  'preboot feature',
  'releases list',
  'build poll',
  'release poll',
  'dynos',
];

const suite = useLanes(() => Promise.all(Array.from({ length: LANES }, () => startHerokuLane())));

describe('Heroku fault matrix', () => {
  it('keeps the invariant at every call site for every fault', async () => {
    const lanes = suite.lanes();
    const sites = lanes[0]?.callSites ?? [];
    const cases: Array<CaseSpec & { site: string; kind: FaultKind }> = [];
    for (const [index, site] of sites.entries()) {
      for (const kind of matrixKinds(index)) {
        cases.push({ site: site.name, kind, release: 'healthy', faults: [] });
        // A broken release reaches the rollback path: hit it twice there.
        if (site.afterPush) cases.push({ site: site.name, kind, release: 'broken', faults: [] });
      }
    }
    // Even the fast lane's share meets every fault kind somewhere.
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(FAULT_KINDS));
    const specs = cases.map((c) => ({
      ...c,
      faults: [{ site: c.site, kind: c.kind, times: c.release === 'broken' ? 2 : 1 }],
    }));
    const reports = await runOnLanes(lanes, specs, (lane, spec) => lane.runCase(spec));

    const outputs = await suite.outputs();
    const cells: MatrixCell[] = [];
    // Cells of kinds not run at a site (the fast lane's share) print as '-'.
    for (const [index, site] of sites.entries()) {
      for (const kind of matrixKinds(index)) {
        const mine = reports.filter(
          (_, index) => specs[index]?.site === site.name && specs[index]?.kind === kind,
        );
        cells.push({
          site: site.name,
          kind,
          healthy: mine.find((r) => r.spec.release === 'healthy')?.outcome ?? '-',
          broken: mine.find((r) => r.spec.release === 'broken')?.outcome,
          violations: mine.reduce((sum, r) => sum + r.violations.length, 0),
        });
      }
    }
    suite.print(
      `${renderMatrix(
        sites.map((s) => s.name),
        FAULT_KINDS,
        cells,
      )}\n${timingLine(reports)}`,
    );

    expectNoViolations(reports.filter((r) => r.violations.length > 0).map((r) => describeCase(r)));
    // Every run wrote its outputs, the result among them.
    const written = [...outputs.matchAll(/^result<<(\S+)\n(.*)\n\1$/gm)].map((m) => m[2]);
    expect(written.sort()).toEqual(reports.map((r) => r.record.result).sort());
    // A fault once on an idempotent read is retried away: the deploy goes through.
    const notRetried = reports.filter((r, index) => {
      const spec = specs[index];
      if (spec === undefined || r.spec.release !== 'healthy') return false;
      const read =
        HEROKU_READS.includes(spec.site) ||
        (spec.site === 'github jobs' && spec.kind !== '429') ||
        spec.site === 'output stream' ||
        spec.site === 'health';
      return read && RETRIED.includes(spec.kind) && r.outcome !== 'deployed';
    });
    expectNone(
      'a fault once on a read was not retried away',
      notRetried.map((r) => describeCase(r)),
    );
    // Faults on the rollback calls and on the health check of a broken release end with the
    // previous release restored and verified.
    // (A malformed 2xx on a read is not retried, by design: that run fails, honestly.)
    const brokenNotRestored = reports.filter(
      (r, index) =>
        r.spec.release === 'broken' &&
        specs[index]?.kind !== 'malformed' &&
        r.outcome !== 'rolled-back',
    );
    expectNone(
      'a broken release was not restored',
      brokenNotRestored.map((r) => describeCase(r)),
    );
  }, 600_000);

  it('regression: a 201 without a readable body to POST /builds is an unknown outcome', async () => {
    const lane = suite.lanes()[0];
    if (!lane) throw new Error('no lane');
    // Once the run said "nothing changed" while the build went on and released; now the
    // build is found by its upload and followed to its verdict.
    const report = await lane.runCase({
      release: 'healthy',
      faults: [{ site: 'POST builds', kind: 'malformed', times: 1 }],
    });
    expect(report.violations).toEqual([]);
    expect(report.outcome).toBe('deployed');
  }, 60_000);
});
