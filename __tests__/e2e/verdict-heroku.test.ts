// dist/index.js against the simulated Heroku: how fast and how honestly a verdict is reached
// (issue 14): crashes, releases that pass then break, slow answers, unreachable checks, and a
// check that also fails on the release live before.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../sim/scenario.js';
import { useScenarios } from '../helpers/scenario-hooks.js';
import { HEROKU_TOKEN } from '../../sim/scenario.js';
import { expectNoSecrets, expectReported, herokuCalls } from '../helpers/assert-run.js';
import { pollsOf } from '../helpers/health-polls.js';

const scenarios = useScenarios();
let scenario: Scenario;

describe('heroku verdicts', () => {
  it('condemns a crash-looping release at once, naming the crashed dyno', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'crashy', crashAfterMs: 0 },
      { 'health-timeout': '30' },
    );
    expectReported(result, 'rolled-back');
    expect(result.annotations[0]?.message).toMatch(/unhealthy: web\.1 crashed/);
    expect(result.outputs.verdict).toBe('unhealthy');
    // 30 s at 0.2 s would be 150 polls: the crash ended it within a few.
    expect(pollsOf(result.stdout)).toBeLessThan(25);
    expect(await scenario.liveVersion()).toBe('good');
  });

  it("shows the condemned release's own last lines, read without the API token", async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy({ version: 'crashy', crashAfterMs: 0 });
    expectReported(result, 'rolled-back');
    // A Heroku log session holds every dyno's lines, the old release's too: said so.
    expect(result.summary).toMatch(
      /<summary>Last \d+ lines of the app's log \(every dyno\)<\/summary>/,
    );
    expect(result.summary).toMatch(/app\[web\.1\]: version crashy crashing as configured/);
    expect(result.stdout).toMatch(/::group::Last \d+ lines of the app's log \(every dyno\)/);
    const session = scenario.sim.requests.find((r) => r.path.startsWith('/log-sessions/'));
    expect(session?.headers.authorization).toBeUndefined();
  });

  it("keeps the API token masked when the condemned release's own lines print it", async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    // Once alone and then many times on one long line, so it sits at any cut a cap makes.
    const bootLine = `token=${HEROKU_TOKEN}; again: ${`${HEROKU_TOKEN},`.repeat(400)}`;
    const result = await scenario.deploy({ version: 'leaky', crashAfterMs: 0, bootLine });
    expectReported(result, 'rolled-back');
    expect(result.summary).toMatch(/app\[web\.1\]: token=\*\*\*; again: \*\*\*,\*\*\*,/);
    expect(result.stdout).toMatch(/app\[web\.1\]: token=\*\*\*; again: \*\*\*,/);
    // The simulated runner has no masker: the action's own text must hold no part of it.
    expectNoSecrets(result);
    // Nor a part of it left by a cut (the `::add-mask::` lines are read by the runner only).
    const visible = result.everything.replace(/^::add-mask::.*$/gm, '');
    expect(visible).not.toContain(HEROKU_TOKEN.slice(0, 12));
    expect(JSON.stringify(result.annotations)).not.toContain(HEROKU_TOKEN.slice(0, 12));
  });

  it('keeps the whole timeout for a slow start that has not crashed', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy({ version: 'slow', startupDelayMs: 2500 });
    expectReported(result, 'deployed');
    expect(result.outputs.verdict).toBe('healthy');
  });

  it('condemns a release that passed, then failed unhealthy-threshold polls in a row', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'breaks', breakAfterMs: 1200 },
      { 'healthy-threshold': '20', 'health-timeout': '30', 'unhealthy-threshold': '2' },
    );
    expectReported(result, 'rolled-back');
    expect(result.annotations[0]?.message).toMatch(/it passed, then failed 2 polls in a row/);
    expect(await scenario.liveVersion()).toBe('good');
  });

  it('fails a poll slower than max-latency', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'sluggish', healthDelayMs: 700 },
      { 'max-latency': '0.3' },
    );
    expectReported(result, 'rolled-back');
    expect(result.annotations[0]?.message, result.stdout.slice(-3000)).toMatch(
      /slow: [0-9.]+ s > 0\.3 s/,
    );
    expect(result.summary).toMatch(/live\u00a0before\u00a0\(baseline\)/);
  });

  it('says could not measure when neither release could be reached, and still rolls back', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'unseen' },
      { 'health-url': 'http://127.0.0.1:1/health', 'health-timeout': '2' },
    );
    expect(result.outputs.verdict).toBe('inconclusive');
    expect(result.annotations[0]?.message).toMatch(
      /could not be judged: could not measure: .*ECONNREFUSED/,
    );
    expect(result.annotations[0]?.message).not.toMatch(/answered 500/);
    expect(herokuCalls(scenario.sim, 'POST', /\/releases$/)).toBe(1);
  });

  it('says could not measure on a TLS error on both releases, and still rolls back', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    // https:// to the router's plain-HTTP port: every handshake fails, the baseline's too.
    const webUrl = new URL(scenario.sim.heroku.state(scenario.app).webUrl);
    const result = await scenario.deploy(
      { version: 'unseen' },
      {
        'health-url': `https://${webUrl.host}/health`,
        'health-timeout': '2',
        rollback: 'true',
      },
    );
    expect(result.outputs.verdict).toBe('inconclusive');
    expect(result.annotations[0]?.message).toMatch(
      /could not be judged: could not measure: .*TLS handshake failed: wrong version number/,
    );
    expect(result.annotations[0]?.message).not.toMatch(/its body/);
    // Rolled back (safe), though the same check cannot verify the release restored either.
    expect(herokuCalls(scenario.sim, 'POST', /\/releases$/)).toBe(1);
    expect(await scenario.liveVersion()).toBe('good');
  });

  it('says the check also fails on the release live before, naming check-string', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'fine' },
      { 'check-string': 'no-such-text', 'health-timeout': '2' },
    );
    // Rolled back, but the release restored fails the same check: not verified.
    expectReported(result, 'failed');
    expect(herokuCalls(scenario.sim, 'POST', /\/releases$/)).toBe(1);
    expect(result.outputs.verdict).toBe('unhealthy');
    expect(result.annotations[0]?.message).toMatch(
      /also fails on the release that was live before .*`check-string`/,
    );
  });

  it('does not blame the check when the release live before passed it', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const result = await scenario.deploy(
      { version: 'bad', healthStatus: 500 },
      { 'health-timeout': '2' },
    );
    expectReported(result, 'rolled-back');
    expect(result.annotations[0]?.message).toMatch(/status 500 not in 200-299/);
    expect(result.annotations[0]?.message).not.toMatch(/live before/);
    // The baseline row: three marks, all passed.
    expect(result.summary).toMatch(
      /live\u00a0before\u00a0\(baseline\) \| 🟩🟩🟩 \| 3\/3 in\u00a0[\d.]+\u00a0s: passed \|/u,
    );
  });

  it("probes the live release's version-url too and shows what it answered", async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const webUrl = scenario.sim.heroku.state(scenario.app).webUrl;
    const result = await scenario.deploy(
      { version: 'next' },
      { 'version-url': `${webUrl}version`, 'expected-version': 'next' },
    );
    expectReported(result, 'deployed');
    expect(result.stdout).toMatch(
      /Baseline of the live release at \S+\/version: 3\/3 polls passed/,
    );
    expect(result.summary).toMatch(
      /live\u00a0before\u00a0\(version-url\) \| 🟩🟩🟩 \| 3\/3 in\u00a0[\d.]+\u00a0s: passed \|/u,
    );
    expect(result.summary).toMatch(
      /`version-url` `\S+\/version` of the live release showed `good`/,
    );
  });

  it('names version-url when it also fails on the release live before', async () => {
    scenario = await scenarios.start({ initial: { version: 'good' } });
    const webUrl = scenario.sim.heroku.state(scenario.app).webUrl;
    const result = await scenario.deploy(
      { version: 'next' },
      { 'version-url': `${webUrl}no-such-version`, 'health-timeout': '2' },
    );
    expectReported(result, 'rolled-back');
    expect(result.outputs.verdict).toBe('unhealthy');
    expect(result.annotations[0]?.message).toMatch(
      /version-url also fails on the release that was live before \(version-url answered 404\): the likely mistake is `version-url`/,
    );
    expect(result.summary).toMatch(/live\u00a0before\u00a0\(version-url\) \| 🟥🟥🟥 \|/u);
    expect(result.summary).toMatch(/of the live release gave no 2xx answer/);
  });
});
