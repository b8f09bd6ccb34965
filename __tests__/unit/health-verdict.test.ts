import { describe, expect, it } from 'vitest';
import type { FailureKind, PollJudgement } from '../../src/verify/health.js';
import { probeBaseline, probeVersionBaseline } from '../../src/verify/baseline.js';
import type { ProbeDeps } from '../../src/verify/probe.js';
import { nameVerdict, type VerdictKind } from '../../src/verify/verdict.js';

const ok: PollJudgement = { pass: true, reason: 'ok' };
const fail = (failure: FailureKind, reason: string): PollJudgement => ({
  pass: false,
  reason,
  failure,
});
const refused = fail('unreached', 'connect ECONNREFUSED 127.0.0.1:1');
const s500 = fail('status', 'status 500 not in 200-299');
const s404 = fail('status', 'status 404 not in 200-299');
const body = fail('body', 'body lacks "ok"');
const slow = fail('slow', 'slow: 1.8 s > 1 s');

describe('nameVerdict', () => {
  it.each<
    [string, PollJudgement[], PollJudgement[] | undefined, string | undefined, VerdictKind, RegExp]
  >([
    ['healthy', [ok], [s500], undefined, 'healthy', /^$/],
    [
      'unreachable, baseline unreachable',
      [refused],
      [refused, refused],
      'deadline',
      'inconclusive',
      /could not be reached either/,
    ],
    ['unreachable, baseline passed', [refused], [ok, refused], 'deadline', 'unhealthy', /^$/],
    ['unreachable, no baseline', [refused], undefined, 'deadline', 'unhealthy', /^$/],
    ['unreachable, baseline answered 500', [refused], [s500], 'deadline', 'unhealthy', /^$/],
    [
      '500 and baseline 500',
      [s500],
      [s500, s500],
      'deadline',
      'unhealthy',
      /also fails.*`expected-status`/,
    ],
    ['404 and baseline 404', [s404], [s404], 'deadline', 'unhealthy', /also fails.*`health-url`/],
    ['500 and baseline 404', [s500], [s404], 'deadline', 'unhealthy', /^$/],
    ['body and baseline body', [body], [body], 'deadline', 'unhealthy', /`check-string`/],
    ['slow and baseline slow', [ok, slow], [slow], 'broke', 'unhealthy', /`max-latency`/],
    [
      'a poll cut short by the deadline is not the failure compared',
      [s500, { ...fail('no-answer', 'timeout after 600 ms'), cutShort: true } as PollJudgement],
      [s500],
      'deadline',
      'unhealthy',
      /`expected-status`/,
    ],
    ['crashed, baseline 500', [s500], [s500], 'crashed', 'unhealthy', /^$/],
  ])('%s', (_title, polls, baseline, condemnedBy, kind, words) => {
    const naming = nameVerdict({
      healthy: kind === 'healthy',
      polls,
      baseline,
      condemnedBy: condemnedBy as 'deadline' | 'broke' | 'crashed' | undefined,
    });
    expect(naming.kind).toBe(kind);
    expect(`${naming.lead}${naming.hint}`).toMatch(words);
  });
});

describe('nameVerdict on a version-url failure', () => {
  const v404 = fail('version', 'version-url answered 404');
  const v500 = fail('version', 'version-url answered 500');
  const vRefused = fail('version', 'version-url: connect ECONNREFUSED 127.0.0.1:1');
  const stale = fail('version', 'version-url does not show "abc" yet (the old release answered)');
  it.each<[string, PollJudgement, PollJudgement[] | undefined, RegExp]>([
    ['404 and live 404', v404, [v404, v404], /version-url also fails.*`version-url`, not/],
    ['no answer and live no answer', vRefused, [vRefused], /likely mistake is `version-url`/],
    ['404 and live answered once', v404, [v404, ok], /^$/],
    ['404 and live 500', v404, [v500], /^$/],
    ['old version shown, live 404', stale, [v404], /^$/],
    ['404, no version baseline', v404, undefined, /^$/],
  ])('%s', (_title, last, versionBaseline, words) => {
    const naming = nameVerdict({
      healthy: false,
      polls: [ok, last],
      condemnedBy: 'deadline',
      // The health URL failed the same way on the live release too: not what is compared.
      baseline: [v404],
      versionBaseline,
    });
    expect(naming.kind).toBe('unhealthy');
    expect(`${naming.lead}${naming.hint}`).toMatch(words);
  });
});

describe('probeBaseline', () => {
  function fakeDeps(statuses: (number | null)[]): ProbeDeps & { slept: number[] } {
    let clock = 0;
    const slept: number[] = [];
    let index = 0;
    return {
      slept,
      now: () => clock,
      sleep: (ms) => {
        slept.push(ms);
        clock += ms;
        return Promise.resolve();
      },
      poll: () => {
        clock += 20;
        const status = index < statuses.length ? (statuses[index] ?? null) : 200;
        index += 1;
        return Promise.resolve(
          status === null
            ? { status, body: '', latencyMs: 20, error: 'refused', errorCode: 'ECONNREFUSED' }
            : { status, body: 'ok', latencyMs: 20 },
        );
      },
    };
  }
  const criteria = { expectedStatus: [{ min: 200, max: 299 }], checkString: '' };

  it('polls three times, at most 250 ms apart, and says how many passed', async () => {
    const deps = fakeDeps([200, 500, 200]);
    const report = await probeBaseline('http://x/health', criteria, 5_000, deps);
    expect(report.polls).toHaveLength(3);
    expect(report.passes).toBe(2);
    expect(deps.slept).toEqual([250, 250]);
    expect(report.elapsedMs).toBe(560);
    expect(report.summary).toBe(
      '2/3 polls passed (20 ms, 20 ms, 20 ms), last failure: status 500 not in 200-299',
    );
  });

  it('keeps the gap at the health interval when it is shorter', async () => {
    const deps = fakeDeps([null, null, null]);
    const report = await probeBaseline('http://x/health', criteria, 100, deps);
    expect(deps.slept).toEqual([100, 100]);
    expect(report.polls.every((poll) => poll.failure === 'unreached')).toBe(true);
  });

  it('stops at once on a cancelled job', async () => {
    const controller = new AbortController();
    controller.abort();
    const report = await probeBaseline(
      'http://x/health',
      criteria,
      100,
      fakeDeps([]),
      controller.signal,
    );
    expect(report.polls).toHaveLength(0);
  });

  it('polls the live version-url: any 2xx passes, and says what it shows', async () => {
    const deps = fakeDeps([200, 404, 200]);
    const version = { url: 'http://x/version', expected: 'abc' };
    const report = await probeVersionBaseline(version, 5_000, deps);
    expect(report.passes).toBe(2);
    expect(report.shows).toBe('ok');
    expect(report.showsExpected).toBe(false);
    expect(report.summary).toBe(
      '2/3 polls passed (20 ms, 20 ms, 20 ms), last failure: version-url answered 404, ' +
        'shows "ok"',
    );
  });

  it('says when the live release already shows the version expected', async () => {
    const report = await probeVersionBaseline(
      { url: 'http://x/version', expected: 'ok' },
      5_000,
      fakeDeps([200]),
    );
    expect(report.showsExpected).toBe(true);
    expect(report.summary).toMatch(
      /already shows "ok": version-url cannot tell the releases apart/,
    );
  });
});
