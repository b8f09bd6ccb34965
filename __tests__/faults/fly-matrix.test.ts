// Every call site of a Fly deploy × every fault, with a healthy release (where the site is
// reached on a good deploy) and a broken one (where the site is reached after the push): the
// invariant holds in each case. Plus flyctl itself failing early, midway, or reporting
// success while a machine kept the old image.
import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, type FaultKind } from './fault-kinds.js';
import {
  type FlyCaseSpec,
  type FlyLane,
  type FlyStrategy,
  FLYCTL_MODES,
  startFlyLanes,
} from './fly-lane.js';
import { type CaseReport, runOnLanes } from './harness.js';
import { type MatrixCell, renderMatrix } from './matrix-table.js';
import {
  describeCase,
  expectNone,
  expectNoViolations,
  matrixKinds,
  timingLine,
  useLanes,
} from './suite.js';

/** Lanes per deploy strategy: rolling for most sites; canary leaves a machine behind when it
 * fails (the rollback destroys it); blue/green replaces every machine (the rollback creates
 * them again). */
const LANES: Readonly<Record<FlyStrategy, number>> = { rolling: 6, canary: 1, bluegreen: 1 };
/** Sites a healthy deploy reaches; the others only the rollback path reaches. */
const REACHED_WHEN_HEALTHY = [
  'github jobs',
  'GET app',
  'machines list (snapshot)',
  'machines list',
  'health',
];
const STRATEGY_OF_SITE: Readonly<Record<string, FlyStrategy>> = {
  'machine destroy': 'canary',
  'machine create': 'bluegreen',
};
/** Faults a retried idempotent read absorbs when they happen once. */
const RETRIED: readonly FaultKind[] = ['500', '502', '503', '429', 'reset', 'hang', 'trickle'];

const suite = useLanes(() => startFlyLanes(LANES));
const lanesOf = (strategy: FlyStrategy): FlyLane[] =>
  suite.lanes().filter((lane) => lane.strategy === strategy);

function describeFailure(report: CaseReport): string {
  return describeCase(report, [`flyctl ${(report.spec as FlyCaseSpec).flyctl ?? 'ok'}`]);
}

interface MatrixCase {
  readonly site: string;
  readonly kind: FaultKind | undefined;
  readonly strategy: FlyStrategy;
  readonly spec: FlyCaseSpec;
}

/** Runs each case on a lane of its strategy, the strategies side by side. */
async function runAll(cases: readonly MatrixCase[]): Promise<Map<MatrixCase, CaseReport>> {
  const reports = new Map<MatrixCase, CaseReport>();
  await Promise.all(
    (Object.keys(LANES) as FlyStrategy[]).map(async (strategy) => {
      const mine = lanesOf(strategy);
      const todo = cases.filter((c) => c.strategy === strategy);
      const done = await runOnLanes(mine, todo, (lane, c) => lane.runFlyCase(c.spec));
      todo.forEach((c, index) => {
        const report = done[index];
        if (report) reports.set(c, report);
      });
    }),
  );
  return reports;
}

describe('Fly fault matrix', () => {
  it('keeps the invariant at every call site for every fault, and when flyctl fails', async () => {
    const sites = lanesOf('rolling')[0]?.callSites ?? [];
    const cases: MatrixCase[] = [];
    for (const [index, site] of sites.entries()) {
      const strategy = STRATEGY_OF_SITE[site.name] ?? 'rolling';
      for (const kind of matrixKinds(index)) {
        if (REACHED_WHEN_HEALTHY.includes(site.name)) {
          const faults = [{ site: site.name, kind, times: 1 }];
          cases.push({ site: site.name, kind, strategy, spec: { release: 'healthy', faults } });
        }
        if (site.afterPush) {
          // A broken release takes the rollback path: hit it twice there.
          const faults = [{ site: site.name, kind, times: 2 }];
          cases.push({ site: site.name, kind, strategy, spec: { release: 'broken', faults } });
        }
      }
    }
    for (const mode of FLYCTL_MODES.filter((m) => m !== 'ok')) {
      const spec: FlyCaseSpec = { release: 'healthy', faults: [], flyctl: mode };
      cases.push({ site: `flyctl ${mode}`, kind: undefined, strategy: 'rolling', spec });
    }
    // Even the fast lane's share meets every fault kind somewhere.
    const kindsRun = cases.map((c) => c.kind).filter((kind) => kind !== undefined);
    expect(new Set(kindsRun)).toEqual(new Set(FAULT_KINDS));
    const reports = await runAll(cases);
    const outputs = await suite.outputs();
    const all = [...reports.values()];

    const cells: MatrixCell[] = [];
    // Cells of kinds not run at a site (the fast lane's share) print as '-'.
    for (const [index, site] of sites.entries()) {
      for (const kind of matrixKinds(index)) {
        const mine = cases.filter((c) => c.site === site.name && c.kind === kind);
        const outcome = (release: string): string | undefined => {
          const found = mine.find((c) => c.spec.release === release);
          return found === undefined ? undefined : (reports.get(found)?.outcome ?? '?');
        };
        cells.push({
          site: site.name,
          kind,
          healthy: outcome('healthy') ?? 'not reached',
          broken: outcome('broken'),
          violations: mine.reduce((sum, c) => sum + (reports.get(c)?.violations.length ?? 0), 0),
        });
      }
    }
    const flyctlRows = cases
      .filter((c) => c.kind === undefined)
      .map((c) => `${c.site}: ${reports.get(c)?.outcome ?? '?'}`);
    suite.print(
      [
        renderMatrix(
          sites.map((s) => s.name),
          FAULT_KINDS,
          cells,
        ),
        `flyctl itself (healthy release): ${flyctlRows.join(', ')}`,
        timingLine(all),
      ].join('\n'),
    );

    expect(all.length).toBe(cases.length);
    expectNoViolations(all.filter((r) => r.violations.length > 0).map(describeFailure));
    // Every run wrote its outputs, the result among them.
    const written = [...outputs.matchAll(/^result<<(\S+)\n(.*)\n\1$/gm)].map((m) => m[2]);
    expect(written.sort()).toEqual(all.map((r) => r.record.result).sort());
    // A fault once on an idempotent read is retried away: the deploy goes through.
    const notRetried = cases.filter((c) => {
      const read = c.site !== 'github jobs' || c.kind !== '429';
      return (
        c.spec.release === 'healthy' &&
        c.kind !== undefined &&
        REACHED_WHEN_HEALTHY.includes(c.site) &&
        read &&
        RETRIED.includes(c.kind) &&
        reports.get(c)?.outcome !== 'deployed'
      );
    });
    expectNone(
      'a fault once on a read was not retried away',
      notRetried.map((c) => describeFailure(reports.get(c) as CaseReport)),
    );
    // Two faults on the rollback path of a broken release: the three rollback attempts still
    // put every machine back, verified.
    const notRestored = cases.filter(
      (c) => c.spec.release === 'broken' && reports.get(c)?.outcome !== 'rolled-back',
    );
    expectNone(
      'a broken release was not restored',
      notRestored.map((c) => describeFailure(reports.get(c) as CaseReport)),
    );
    // flyctl failing before any machine changed needs no rollback; midway, or reporting
    // success with a machine left on the old image, it does.
    const byMode = (mode: string): string | undefined =>
      reports.get(cases.find((c) => c.site === `flyctl ${mode}`) as MatrixCase)?.outcome;
    expect(byMode('fails-early')).toBe('failed-untouched');
    expect(byMode('fails-midway')).toBe('rolled-back');
    expect(byMode('stale-machine')).toBe('rolled-back');
  }, 600_000);

  it('starts the next case from one release after a rollback defeated on healthy machines', async () => {
    const lane = lanesOf('rolling')[0];
    if (lane === undefined) throw new Error('no rolling lane');
    // flyctl moves one machine to a healthy release, then every rollback attempt loses its
    // lease: the run says THE APP MAY BE DOWN, and the machines are healthy on two images.
    const defeated = await lane.runFlyCase({
      release: 'healthy',
      faults: [{ site: 'lease', kind: '503', times: 3 }],
      flyctl: 'fails-midway',
    });
    expect(defeated.violations).toEqual([]);
    expect(defeated.outcome).toBe('failed-app-may-be-down');
    expect(defeated.after.release.id).toMatch(/^mixed:/);
    const next = await lane.runFlyCase({ release: 'broken', faults: [], flyctl: 'ok' });
    expect(next.before.release.id).not.toMatch(/^mixed:/);
    expect(next.violations).toEqual([]);
    expect(next.outcome).toBe('rolled-back');
  }, 120_000);
});
