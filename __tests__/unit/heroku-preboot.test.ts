// The preboot window: how long it is, and that passing polls inside it never count when the
// action cannot tell which release answered.
import { describe, expect, it } from 'vitest';
import {
  defaultPrebootWindowMs,
  PREBOOT_WINDOW_ENV,
  prebootWindowMs,
} from '../../src/platforms/heroku/preboot.js';
import { waitForHealthy } from '../../src/verify/probe.js';
import type { ProbeDeps, ProbeSettings } from '../../src/verify/probe.js';

/** A fake clock where every poll takes 10 ms and answers `status(at)`. */
function clockDeps(status: (atMs: number) => number): ProbeDeps {
  let clock = 0;
  return {
    now: () => clock,
    sleep: (ms) => {
      clock += ms;
      return Promise.resolve();
    },
    poll: () => {
      const answer = status(clock);
      clock += 10;
      return Promise.resolve({ status: answer, body: '', latencyMs: 10 });
    },
  };
}

const settings = (extra: Partial<ProbeSettings>): ProbeSettings => ({
  url: 'https://app.example/health',
  criteria: { expectedStatus: [{ min: 200, max: 299 }], checkString: '' },
  intervalMs: 1_000,
  timeoutMs: 15_000,
  threshold: 3,
  ...extra,
});

describe('preboot window', () => {
  it('defaults to boot timeout + 2 min + a margin and takes seconds from the environment', () => {
    expect(defaultPrebootWindowMs).toBe(210_000);
    expect(prebootWindowMs({})).toBe(210_000);
    expect(prebootWindowMs({ [PREBOOT_WINDOW_ENV]: '2.5' })).toBe(2_500);
    expect(() => prebootWindowMs({ [PREBOOT_WINDOW_ENV]: 'soon' })).toThrow(
      /GUARDED_DEPLOY_HEROKU_PREBOOT_WINDOW='soon' is not allowed/,
    );
  });

  it('counts no passing poll inside the window: the old release answered 200, the new 500', async () => {
    // The old release answers until 10 s, then the broken new one.
    const deps = clockDeps((at) => (at < 10_000 ? 200 : 500));
    const report = await waitForHealthy(settings({ countFromMs: 10_000 }), deps, () => {});
    expect(report.verdict).toBe('unhealthy');
    expect(report.polls.filter((poll) => poll.pass)).toEqual([]);
    expect(report.polls[0]?.reason).toMatch(/not counted: within the preboot window/);
  });

  it('is healthy from passes after the window and says which release is unknown', async () => {
    const deps = clockDeps(() => 200);
    const report = await waitForHealthy(settings({ countFromMs: 5_000 }), deps, () => {});
    expect(report.verdict).toBe('healthy');
    expect(report.elapsedMs).toBeGreaterThanOrEqual(7_000);
    expect(report.reason).toMatch(/counted only after the 5 s preboot window/);
  });
});
