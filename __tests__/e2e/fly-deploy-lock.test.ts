// The deploy lock, end to end on Fly: while flyctl rolls out the first job (every machine
// leased, as flyctl deploy plan.go `acquireLeases` does), a second job of the same app is
// refused naming the lease (lock-wait 0), or waits and goes on from a fresh snapshot.
import { describe, expect, it } from 'vitest';
import type { FlyScenario } from '../../sim/fly-scenario.js';
import type { RunResult } from '../../sim/runner.js';
import { RUNNER_NAME } from '../../sim/scenario.js';
import { childRecords, expectReported } from '../helpers/assert-run.js';
import { digests, useFlyScenarios } from '../helpers/fly-scenario-hooks.js';
import { secondWhileFirstPushes } from '../helpers/two-jobs.js';

const scenarios = useFlyScenarios();

/** Job `first` on the head commit; job `second` once flyctl has leased the machines (it
 * prints the first machine's update only after leasing them all). */
function twoJobs(
  scenario: FlyScenario,
  second: Readonly<Record<string, string>>,
): Promise<[RunResult, RunResult]> {
  return secondWhileFirstPushes<RunResult>(
    (onLine) => scenario.act({}, { onLine }),
    /\[1\/\d+\] Machine \S+ \[app\] Updating/,
    () => scenario.act(second),
  );
}

/** The jobs of a workflow run whose deploy job is running. */
const RUN_JOBS = [
  { name: 'test', status: 'completed', conclusion: 'success' },
  { name: 'deploy', status: 'in_progress', conclusion: null, runnerName: RUNNER_NAME },
] as const;

const flyctlRuns = (result: RunResult): number =>
  childRecords(result).filter((child) => child.name === 'flyctl').length;

describe('deploy lock (Fly)', () => {
  it('refuses a second deploy while flyctl holds the machines, naming the lease', async () => {
    const scenario = await scenarios.start({ initial: { version: '1' } });
    // Machines that take a while to boot keep the rollout (and its leases) going.
    await scenario.repo.commit({ version: '2', startupDelayMs: 1500 });

    const [first, second] = await twoJobs(scenario, { 'lock-wait': '0' });

    expectReported(first, 'deployed');
    expectReported(second, 'refused');
    expect(second.summary).toMatch(
      /machine \S+ leased by deployer@acme\.example \("flyctl deploy [^"]+"\) until /,
    );
    expect(flyctlRuns(first)).toBe(1);
    expect(flyctlRuns(second)).toBe(0);
    expect(new Set(digests(scenario)).size).toBe(1);
    expect(await scenario.liveVersions()).toEqual(['2', '2', '2']);
  });

  it('waits with lock-wait, then finds the commit live and only verifies it', async () => {
    const scenario = await scenarios.start({ initial: { version: '1' } });
    await scenario.repo.commit({ version: '2', startupDelayMs: 1500 });

    const [first, second] = await twoJobs(scenario, { 'lock-wait': '120' });

    expectReported(first, 'deployed');
    expectReported(second, 'deployed');
    expect(second.everything).toMatch(/Another deploy of shop-fly is in flight/);
    expect(second.everything).toMatch(/already live, verified/);
    expect(flyctlRuns(second)).toBe(0);
    expect(second.outputs.release).toBe(first.outputs.release);
    expect(await scenario.liveVersions()).toEqual(['2', '2', '2']);
  });
});

describe('deploy queue (Fly): two jobs started together with environment', () => {
  it('one runs flyctl, the other waits for its outcome (no lease while the image builds)', async () => {
    const scenario = await scenarios.start({ initial: { version: '1' } });
    await scenario.repo.commit({ version: '2' });
    const inRun = (runId: number): Promise<RunResult> => {
      scenario.sim.github.setJobs({ ...scenario.run, runId }, RUN_JOBS);
      const inputs = { environment: 'production', 'lock-wait': '120' };
      return scenario.act(inputs, { extraEnv: { GITHUB_RUN_ID: String(runId) } });
    };

    const results = await Promise.all([inRun(4001), inRun(4002)]);

    for (const result of results) expectReported(result, 'deployed');
    // Exactly one flyctl deploy: the job queued second found the commit live and verified it.
    expect(results.map(flyctlRuns).sort()).toEqual([0, 1]);
    const second = results.find((result) => flyctlRuns(result) === 0);
    expect(second?.everything).toMatch(/Another deploy of shop-fly is in flight \(deployment \d+ /);
    expect(second?.everything).toMatch(/already live, verified/);
    expect(new Set(digests(scenario)).size).toBe(1);
    expect(await scenario.liveVersions()).toEqual(['2', '2', '2']);
  });
});
