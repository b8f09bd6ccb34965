// Build once, deploy many: a staging deploy's `artifact` output, given to a production deploy
// as the `artifact` input, ships exactly that (Heroku: a release of the same slug, no build
// on production; Fly: the same image digest, flyctl --image, no build).
import { afterEach, describe, expect, it } from 'vitest';
import { type FlyScenario, startFlyScenario } from '../../sim/fly-scenario.js';
import { type Scenario, startScenario } from '../../sim/scenario.js';
import { childRecords, expectContractKept, expectReported } from '../helpers/assert-run.js';
import { herokuCalls } from '../helpers/assert-run.js';
import { checkScenario } from '../helpers/scenario-hooks.js';

const herokuScenarios: Scenario[] = [];
const flyScenarios: FlyScenario[] = [];

afterEach(async () => {
  // The first scenario owns the simulator: close the others before it.
  const heroku = herokuScenarios.splice(0).reverse();
  const fly = flyScenarios.splice(0).reverse();
  try {
    for (const scenario of heroku) checkScenario(scenario);
    if (fly[0] !== undefined) expectContractKept(fly[0].sim);
  } finally {
    for (const scenario of [...heroku, ...fly]) await scenario.close();
  }
});

const SLUG_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('artifact promotion (Heroku)', () => {
  it('releases the slug staging verified on production, with no build there', async () => {
    const staging = await startScenario({ app: 'shop-staging', initial: { version: 'one' } });
    herokuScenarios.push(staging);
    const production = await startScenario({
      app: 'shop-prod',
      initial: { version: 'one' },
      sim: staging.sim,
    });
    herokuScenarios.push(production);

    const built = await staging.deploy({ version: 'two' });
    expectReported(built, 'deployed');
    const artifact = built.outputs.artifact ?? '';
    expect(artifact).toMatch(SLUG_ID);
    const stagingLive = staging.sim.heroku.state('shop-staging').releases.find((r) => r.current);
    expect(stagingLive?.slugId).toBe(artifact);

    const promoted = await production.act({ artifact });

    expectReported(promoted, 'deployed');
    expect(promoted.outputs.artifact).toBe(artifact);
    // No build on production: one release, of the very slug staging built and verified.
    expect(herokuCalls(production.sim, 'POST', /^\/apps\/shop-prod\/builds$/)).toBe(0);
    expect(herokuCalls(production.sim, 'POST', /^\/sources$/)).toBe(1); // staging's only
    const prodLive = production.sim.heroku.state('shop-prod').releases.find((r) => r.current);
    expect(prodLive?.slugId).toBe(artifact);
    expect(await production.liveVersion()).toBe('two');

    // A re-run of the production job finds that slug live: it verifies, releases nothing.
    const rerun = await production.act({ artifact });
    expectReported(rerun, 'deployed');
    expect(rerun.everything).toMatch(/already live, verified/);
    expect(herokuCalls(production.sim, 'POST', /^\/apps\/shop-prod\/releases$/)).toBe(1);
  });

  it('fails clearly on a slug the account does not have, changing nothing', async () => {
    const production = await startScenario({ app: 'shop-prod', initial: { version: 'one' } });
    herokuScenarios.push(production);
    const result = await production.act({ artifact: '01234567-89ab-cdef-0123-456789abcdef' });
    expectReported(result, 'failed');
    expect(result.everything).toMatch(/Could not release slug 01234567-.*Couldn't find that slug/);
    expect(await production.liveVersion()).toBe('one');
  });
});

describe('artifact promotion (Fly)', () => {
  it('deploys the image digest staging verified on production, with flyctl --image', async () => {
    const staging = await startFlyScenario({ app: 'shop-fly-staging', initial: { version: '1' } });
    flyScenarios.push(staging);
    const production = await startFlyScenario({
      app: 'shop-fly-prod',
      initial: { version: '1' },
      sim: staging.sim,
    });
    flyScenarios.push(production);

    const built = await staging.deploy({ version: '2' });
    expectReported(built, 'deployed');
    const artifact = built.outputs.artifact ?? '';
    expect(artifact).toMatch(/^registry\.fly\.io\/shop-fly-staging:\S+@sha256:[0-9a-f]{64}$/);
    const digest = artifact.split('@')[1];
    expect(new Set(staging.state().machines.map((machine) => machine.digest))).toEqual(
      new Set([digest]),
    );

    const promoted = await production.act({ artifact });

    expectReported(promoted, 'deployed');
    expect(promoted.outputs.artifact?.split('@')[1]).toBe(digest);
    const flyctl = childRecords(promoted).filter((child) => child.name === 'flyctl');
    expect(flyctl).toHaveLength(1);
    expect(flyctl[0]?.argv).toContain(`[--image] [${artifact}]`);
    // Every production machine runs the very image staging verified.
    expect(new Set(production.state().machines.map((machine) => machine.digest))).toEqual(
      new Set([digest]),
    );
    expect(await production.liveVersions()).toEqual(['2', '2', '2']);
  });
});
