// dist/index.js against the simulated Fly: how fast and how honestly a verdict is reached
// (issue 14), as on Heroku (verdict-heroku.test.ts).
import { describe, expect, it } from 'vitest';
import type { FlyScenario } from '../../sim/fly-scenario.js';
import { FLY_TOKEN } from '../../sim/fly-scenario.js';
import { flyTokenParts } from '../../src/settings/fly-inputs.js';
import { expectNoSecrets, expectReported } from '../helpers/assert-run.js';
import { pollsOf } from '../helpers/health-polls.js';
import { digests, useFlyScenarios } from '../helpers/fly-scenario-hooks.js';

const scenarios = useFlyScenarios();
let scenario: FlyScenario;

describe('fly verdicts', () => {
  it('condemns a machine that exits non-zero at once, naming it and its exit code', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const before = digests(scenario);
    const result = await scenario.deploy(
      { version: 'crashy', crashAfterMs: 1500 },
      { 'healthy-threshold': '15', 'health-timeout': '30' },
    );
    expectReported(result, 'rolled-back');
    expect(result.annotations[0]?.message).toMatch(
      /unhealthy: machine \S+ \(\w+\) crashed: exit 1/,
    );
    expect(result.outputs.verdict).toBe('unhealthy');
    expect(pollsOf(result.stdout)).toBeLessThan(40);
    expect(digests(scenario)).toEqual(before);
    // The machines' own last lines, from the logs API flyctl reads for `fly logs --no-tail`.
    expect(result.summary).toMatch(/<summary>Last \d+ log lines of the new release<\/summary>/);
    expect(result.summary).toMatch(/\[info\] version crashy crashing as configured/);
  });

  it("keeps the token and each of its parts masked in the release's own lines", async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const parts = flyTokenParts(FLY_TOKEN);
    const bootLine = `token=${FLY_TOKEN}; parts: ${parts.join(' ')}; ${parts[1]},`.repeat(20);
    const result = await scenario.deploy(
      { version: 'leaky', crashAfterMs: 1500, bootLine },
      { 'healthy-threshold': '15', 'health-timeout': '30' },
    );
    expectReported(result, 'rolled-back');
    expect(result.summary).toMatch(/\[info\] token=\*\*\*; parts: \*\*\* \*\*\*; \*\*\*,/);
    // The simulated runner has no masker: the action's own text must hold no part of it.
    expectNoSecrets(result, [FLY_TOKEN, ...parts]);
    expect(JSON.stringify(result.annotations)).not.toContain(parts[1]?.slice(0, 16));
  });

  it('keeps the whole timeout for a slow start that has not crashed', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    // flyctl waits for the machines to listen, so a slow boot ends inside the push: the
    // release is slow to serve instead, its proxy answering 503 to the first polls (after
    // the baseline's three). Before a first pass they condemn nothing, even with an
    // unhealthy-threshold of 1.
    scenario.sim.fly
      .proxyFaults(scenario.app)
      .inject({ method: 'GET', path: /^\/health$/, times: 3 + 6, status: 503 });
    const result = await scenario.deploy(
      { version: 'slow' },
      { 'unhealthy-threshold': '1', 'health-timeout': '15' },
    );
    expectReported(result, 'deployed');
    expect(result.outputs.verdict).toBe('healthy');
    expect(result.stdout).toMatch(/^poll 6: 503 /m);
  });

  it('condemns a release that passed, then failed unhealthy-threshold polls in a row', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'breaks', breakAfterMs: 2500 },
      { 'healthy-threshold': '25', 'health-timeout': '30' },
    );
    expectReported(result, 'rolled-back');
    expect(result.annotations[0]?.message).toMatch(/it passed, then failed 3 polls in a row/);
    expect(pollsOf(result.stdout)).toBeLessThan(40);
  });

  it('fails a poll slower than max-latency', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'sluggish', healthDelayMs: 700 },
      { 'max-latency': '0.3', 'health-timeout': '3' },
    );
    expectReported(result, 'rolled-back');
    expect(result.annotations[0]?.message).toMatch(/slow: [0-9.]+ s > 0\.3 s/);
  });

  it('says could not measure when neither release could be reached', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'unseen' },
      { 'health-url': 'http://127.0.0.1:1/health', 'health-timeout': '2' },
    );
    expect(result.outputs.verdict).toBe('inconclusive');
    expect(result.annotations[0]?.message).toMatch(/could not measure: .*ECONNREFUSED/);
    expect(digests(scenario)[0]).toBe(digests(scenario).at(-1));
  });

  it('says the check also fails on the release live before, naming expected-status', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'fine' },
      { 'expected-status': '201', 'health-timeout': '2' },
    );
    expect(result.outputs.verdict).toBe('unhealthy');
    expect(result.annotations[0]?.message).toMatch(
      /also fails on the release that was live before .*`expected-status`/,
    );
  });

  it("probes the live release's version-url too, and names it when it fails there", async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'next' },
      {
        'version-url': new URL('/no-such-version', scenario.publicUrl).toString(),
        'health-timeout': '2',
      },
    );
    expect(result.outputs.verdict).toBe('unhealthy');
    expect(result.annotations[0]?.message).toMatch(
      /version-url also fails on the release that was live before \(version-url answered 404\): the likely mistake is `version-url`/,
    );
    expect(result.summary).toMatch(/live\u00a0before\u00a0\(version-url\) \| 🟥🟥🟥 \|/u);
  });
});
