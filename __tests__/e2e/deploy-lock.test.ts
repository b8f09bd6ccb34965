// The deploy lock, end to end on Heroku: a second deploy job of the same app, started while
// the first one's build or release is pending, is refused naming the holder (lock-wait 0) or
// waits for it and goes on from a fresh snapshot (lock-wait > 0). The app ends on one release.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../sim/runner.js';
import type { AppConfig } from '../../sim/app-repo.js';
import type { Scenario } from '../../sim/scenario.js';
import { expectReported, herokuCalls } from '../helpers/assert-run.js';
import { useScenarios } from '../helpers/scenario-hooks.js';
import { secondWhileFirstPushes } from '../helpers/two-jobs.js';

const scenarios = useScenarios();

/** A release phase that runs for a while, as a migration would: the first deploy stays in
 * flight (its release `pending`) while the second one checks. */
const slowRelease = {
  Procfile: 'web: node server.js\nrelease: node -e "setTimeout(() => {}, 3000)"\n',
};

/** Job `first` on the head commit; job `second` once the first one's build exists. */
function twoJobs(
  scenario: Scenario,
  second: Readonly<Record<string, string>>,
  secondCommit?: AppConfig,
): Promise<[RunResult, RunResult]> {
  return secondWhileFirstPushes(
    (onLine) => scenario.act({}, { onLine }),
    /Build \S+ started/,
    async () => {
      // A newer commit for the second job (the first one's source is already uploaded).
      if (secondCommit !== undefined) await scenario.repo.commit(secondCommit);
      return scenario.act(second);
    },
  );
}

describe('deploy lock (Heroku)', () => {
  it('refuses a second deploy while the first is in flight, naming its build or release', async () => {
    const scenario = await scenarios.start({ initial: { version: 'one' } });
    await scenario.repo.commit({ version: 'two' }, slowRelease);

    const [first, second] = await twoJobs(scenario, { 'lock-wait': '0' });

    expectReported(first, 'deployed');
    expectReported(second, 'refused');
    // The holder: the pending build or release and who started it (schema `user.email`).
    expect(second.summary).toMatch(/(build \S+|release v\d+) by deployer@example\.com/);
    expect(second.everything).toContain('`lock-wait`');
    expect(second.outputs.artifact).toBe('');
    // Exactly one build; the second job wrote nothing to the app.
    expect(herokuCalls(scenario.sim, 'POST', /^\/apps\/shop-prod\/builds$/)).toBe(1);
    expect(herokuCalls(scenario.sim, 'POST', /^\/apps\/shop-prod\/releases$/)).toBe(0);
    expect(await scenario.liveVersion()).toBe('two');
  });

  it('waits with lock-wait, then goes on from a fresh snapshot: one verified release', async () => {
    const scenario = await scenarios.start({ initial: { version: 'one' } });
    await scenario.repo.commit({ version: 'two' }, slowRelease);

    const [first, second] = await twoJobs(scenario, { 'lock-wait': '60' });

    expectReported(first, 'deployed');
    // After the wait the same commit is live: the second job verifies it and builds nothing.
    expectReported(second, 'deployed');
    expect(second.everything).toMatch(/Another deploy of shop-prod is in flight/);
    expect(second.everything).toMatch(/already live, verified/);
    expect(second.outputs.release).toBe(first.outputs.release);
    expect(herokuCalls(scenario.sim, 'POST', /^\/apps\/shop-prod\/builds$/)).toBe(1);
    const releases = scenario.sim.heroku.state('shop-prod').releases;
    expect(releases.filter((release) => release.current).map((r) => `v${r.version}`)).toEqual([
      first.outputs.release,
    ]);
    expect(await scenario.liveVersion()).toBe('two');
  });

  it('waits with lock-wait, then pushes its own commit once the first is live', async () => {
    const scenario = await scenarios.start({ initial: { version: 'one' } });
    await scenario.repo.commit({ version: 'two' }, slowRelease);

    const [first, second] = await twoJobs(scenario, { 'lock-wait': '60' }, { version: 'three' });

    expectReported(first, 'deployed');
    expectReported(second, 'deployed');
    expect(second.everything).toMatch(/Another deploy of shop-prod is in flight/);
    // The second build was created only after the first release had gone live, and the
    // second job's rollback target was that release, read afresh after the wait.
    const releases = scenario.sim.heroku.state('shop-prod').releases;
    const firstLive = releases.find((r) => `v${r.version}` === first.outputs.release)?.liveAt;
    const builds = scenario.sim.requests.filter(
      (r) => r.api === 'heroku' && r.method === 'POST' && r.path === '/apps/shop-prod/builds',
    );
    expect(builds).toHaveLength(2);
    expect(firstLive).toBeDefined();
    expect(builds[1]?.receivedAt ?? 0).toBeGreaterThan(firstLive ?? Infinity);
    expect(second.outputs['previous-release']).toBe(first.outputs.release);
    expect(await scenario.liveVersion()).toBe('three');
  });
});
