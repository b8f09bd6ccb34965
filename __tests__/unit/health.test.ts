import { describe, expect, it } from 'vitest';
import { formatStatusRanges, judgePoll, nextHealth } from '../../src/verify/health.js';
import type {
  FailureKind,
  HealthCriteria,
  HealthState,
  HealthVerdict,
  PollResult,
  StatusRange,
} from '../../src/verify/health.js';

const OK_RANGE: StatusRange[] = [{ min: 200, max: 299 }];
const criteria: HealthCriteria = { expectedStatus: OK_RANGE, checkString: '' };

function answer(status: number | null, extra: Partial<PollResult> = {}): PollResult {
  return { status, body: '', latencyMs: 5, ...extra };
}

describe('judgePoll', () => {
  it.each<[string, PollResult, HealthCriteria, boolean, string]>([
    ['200 in range', answer(200), criteria, true, 'ok'],
    ['299 upper bound', answer(299), criteria, true, 'ok'],
    ['503 out of range', answer(503), criteria, false, 'status 503 not in 200-299'],
    ['199 below range', answer(199), criteria, false, 'status 199 not in 200-299'],
    [
      'list of codes',
      answer(204),
      {
        expectedStatus: [
          { min: 200, max: 200 },
          { min: 204, max: 204 },
        ],
        checkString: '',
      },
      true,
      'ok',
    ],
    [
      'list of codes, miss',
      answer(201),
      {
        expectedStatus: [
          { min: 200, max: 200 },
          { min: 304, max: 304 },
        ],
        checkString: '',
      },
      false,
      'status 201 not in 200,304',
    ],
    [
      'body contains check string',
      answer(200, { body: '{"status":"ok"}' }),
      { expectedStatus: OK_RANGE, checkString: '"ok"' },
      true,
      'ok',
    ],
    [
      'body lacks check string',
      answer(200, { body: 'starting' }),
      { expectedStatus: OK_RANGE, checkString: 'ok' },
      false,
      'body lacks "ok"',
    ],
    [
      'status wins over body',
      answer(500, { body: 'ok' }),
      { expectedStatus: OK_RANGE, checkString: 'ok' },
      false,
      'status 500 not in 200-299',
    ],
    [
      'timeout',
      answer(null, { latencyMs: 5000, error: 'timeout after 5000 ms' }),
      criteria,
      false,
      'timeout after 5000 ms',
    ],
    ['no answer without error text', answer(null), criteria, false, 'no answer'],
    [
      'redirect not followed',
      answer(301, { redirectTo: 'https://x/' }),
      criteria,
      false,
      'redirect to https://x/ not followed',
    ],
    [
      'redirect accepted when its status is expected',
      answer(302, { redirectTo: 'https://x/login' }),
      { expectedStatus: [{ min: 200, max: 399 }], checkString: '' },
      true,
      'ok',
    ],
    [
      'slower than max-latency',
      answer(200, { latencyMs: 1800 }),
      { ...criteria, maxLatencyMs: 1000 },
      false,
      'slow: 1.8 s > 1 s',
    ],
    [
      'at max-latency',
      answer(200, { latencyMs: 1000 }),
      { ...criteria, maxLatencyMs: 1000 },
      true,
      'ok',
    ],
    ['slow without a limit', answer(200, { latencyMs: 9000 }), criteria, true, 'ok'],
  ])('%s', (_title, poll, given, pass, reason) => {
    expect(judgePoll(poll, given)).toMatchObject({ pass, reason });
  });

  it.each<[string, PollResult, HealthCriteria, FailureKind | undefined]>([
    ['pass', answer(200), criteria, undefined],
    ['refused', answer(null, { error: 'x', errorCode: 'ECONNREFUSED' }), criteria, 'unreached'],
    ['no such host', answer(null, { errorCode: 'ENOTFOUND' }), criteria, 'unreached'],
    ['bad certificate', answer(null, { errorCode: 'CERT_HAS_EXPIRED' }), criteria, 'unreached'],
    [
      'self-signed',
      answer(null, { errorCode: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
      criteria,
      'unreached',
    ],
    [
      'TLS to a plain-HTTP port',
      answer(null, { errorCode: 'ERR_SSL_WRONG_VERSION_NUMBER' }),
      criteria,
      'unreached',
    ],
    ['TLS handshake refused', answer(null, { errorCode: 'EPROTO' }), criteria, 'unreached'],
    [
      'TLS alert from the server',
      answer(null, { errorCode: 'ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR' }),
      criteria,
      'unreached',
    ],
    ['timeout', answer(null, { error: 'timeout after 2000 ms' }), criteria, 'no-answer'],
    ['reset after connecting', answer(null, { errorCode: 'ECONNRESET' }), criteria, 'no-answer'],
    ['500', answer(500), criteria, 'status'],
    ['redirect', answer(301, { redirectTo: 'https://x/' }), criteria, 'redirect'],
    ['body', answer(200, { body: 'no' }), { ...criteria, checkString: 'ok' }, 'body'],
    ['slow', answer(200, { latencyMs: 50 }), { ...criteria, maxLatencyMs: 10 }, 'slow'],
  ])('names the failure: %s', (_title, poll, given, failure) => {
    expect(judgePoll(poll, given).failure).toBe(failure);
  });
});

describe('formatStatusRanges', () => {
  it.each<[StatusRange[], string]>([
    [OK_RANGE, '200-299'],
    [
      [
        { min: 200, max: 299 },
        { min: 304, max: 304 },
      ],
      '200-299,304',
    ],
    [[{ min: 204, max: 204 }], '204'],
    [[], ''],
  ])('%j -> %s', (ranges, text) => {
    expect(formatStatusRanges(ranges)).toBe(text);
  });
});

describe('nextHealth', () => {
  const settings = { threshold: 3, timeoutMs: 1000, unhealthyThreshold: 3 };
  const fresh: HealthState = { polls: 0, passes: 0, consecutive: 0, failures: 0, startedAt: 100 };

  /** Feeds polls (pass flag, time) one by one and returns every verdict. */
  function run(steps: [boolean, number][], threshold = 3): HealthVerdict[] {
    let state = fresh;
    return steps.map(([pass, now]) => {
      const next = nextHealth(state, { pass, reason: pass ? 'ok' : 'bad' }, now, {
        ...settings,
        threshold,
      });
      state = next.state;
      return next.verdict;
    });
  }

  it.each<[string, [boolean, number][], HealthVerdict[], number?]>([
    [
      'three passes in a row',
      [
        [true, 100],
        [true, 200],
        [true, 300],
      ],
      ['pending', 'pending', 'healthy'],
    ],
    ['threshold 1 is healthy at once', [[true, 100]], ['healthy'], 1],
    [
      'slow start then healthy',
      [
        [false, 100],
        [false, 200],
        [true, 300],
        [true, 400],
        [true, 500],
      ],
      ['pending', 'pending', 'pending', 'pending', 'healthy'],
    ],
    [
      'flapping never becomes healthy',
      [
        [true, 100],
        [true, 300],
        [false, 500],
        [true, 700],
        [true, 900],
        [false, 1100],
      ],
      ['pending', 'pending', 'pending', 'pending', 'pending', 'unhealthy'],
    ],
    [
      'deadline reached while failing',
      [
        [false, 600],
        [false, 1100],
      ],
      ['pending', 'unhealthy'],
    ],
    ['a pass at the deadline without a streak', [[true, 1100]], ['unhealthy']],
    [
      'a streak completed at the deadline still counts',
      [
        [true, 900],
        [true, 1000],
        [true, 1100],
      ],
      ['pending', 'pending', 'healthy'],
    ],
  ])('%s', (_title, steps, verdicts, threshold) => {
    expect(run(steps, threshold)).toEqual(verdicts);
  });

  it('counts polls and passes and resets the streak on a failure', () => {
    const afterPass = nextHealth(fresh, { pass: true, reason: 'ok' }, 150, settings).state;
    expect(afterPass).toEqual({ polls: 1, passes: 1, consecutive: 1, failures: 0, startedAt: 100 });
    const afterFail = nextHealth(afterPass, { pass: false, reason: 'x' }, 250, settings).state;
    expect(afterFail).toEqual({ polls: 2, passes: 1, consecutive: 0, failures: 1, startedAt: 100 });
  });

  /** Steps: `p` pass, `f` fail, `c` fail with a crash shown; 100 ms apart from t=100. */
  function condemn(steps: string, unhealthyThreshold = 3): [HealthVerdict, string][] {
    let state = fresh;
    return [...steps].map((step, index) => {
      const pass = step === 'p';
      const crash = step === 'c' ? 'web.1 crashed' : undefined;
      const next = nextHealth(
        state,
        { pass, reason: pass ? 'ok' : 'bad' },
        100 + index * 100,
        { ...settings, threshold: 5, unhealthyThreshold },
        crash,
      );
      state = next.state;
      return [next.verdict, next.condemnedBy ?? '-'];
    });
  }

  it.each<[string, string, number, string]>([
    ['never passed: failures wait for the deadline', 'fffffffff', 3, 'pending x9'],
    ['passed then 3 failures: broke at the third', 'pfff', 3, 'pending x3, unhealthy broke'],
    ['passed then 2 failures and a pass: pending', 'pffpff', 3, 'pending x6'],
    ['threshold 1: the first failure after a pass', 'ppf', 1, 'pending x2, unhealthy broke'],
    ['threshold 5: five failures', 'pfffff', 5, 'pending x5, unhealthy broke'],
    ['a crash before any pass condemns at once', 'ffc', 3, 'pending x2, unhealthy crashed'],
    ['a crash after a pass too', 'pc', 3, 'pending x1, unhealthy crashed'],
    ['failing at the deadline', 'fffffffffff', 3, 'pending x10, unhealthy deadline'],
  ])('%s', (_title, steps, unhealthyThreshold, expected) => {
    const verdicts = condemn(steps, unhealthyThreshold);
    const pending = verdicts.filter(([verdict]) => verdict === 'pending').length;
    const last = verdicts.at(-1);
    const ended = last?.[0] === 'pending' ? '' : `, ${last?.[0]} ${last?.[1]}`;
    expect(`pending x${pending}${ended}`.replace(/^pending x0, /, '')).toBe(expected);
  });

  it('condemns a crash on a passing poll too (another instance answered it)', () => {
    const step = nextHealth(fresh, { pass: true, reason: 'ok' }, 100, settings, 'web.2 crashed');
    expect(step).toMatchObject({ verdict: 'unhealthy', condemnedBy: 'crashed' });
  });
});
