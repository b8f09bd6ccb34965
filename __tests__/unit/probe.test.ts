import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PollResult } from '../../src/verify/health.js';
import { httpPoll, waitForHealthy } from '../../src/verify/probe.js';
import type { ProbeDeps, ProbeSettings } from '../../src/verify/probe.js';

const URL_UNDER_TEST = 'https://app.example/health';

/** What a scripted poll answers and how long it takes on the fake clock. */
interface Scripted {
  status: number | null;
  body?: string;
  takesMs?: number;
  error?: string;
}

interface FakeRun {
  deps: ProbeDeps;
  /** Clock time at which each poll started, and the timeout it was given. */
  calls: { at: number; timeoutMs: number }[];
  sleeps: number[];
}

/** A fake clock: sleep and polls advance it; no real timers run. */
function fakeRun(script: (index: number) => Scripted, startAt = 50_000): FakeRun {
  let clock = startAt;
  const calls: FakeRun['calls'] = [];
  const sleeps: number[] = [];
  const deps: ProbeDeps = {
    now: () => clock,
    sleep: (ms, signal) => {
      sleeps.push(ms);
      if (signal?.aborted === true) return Promise.reject(new Error('aborted'));
      clock += ms;
      return Promise.resolve();
    },
    poll: (url, timeoutMs) => {
      expect(url).toBe(URL_UNDER_TEST);
      calls.push({ at: clock - startAt, timeoutMs });
      const step = script(calls.length - 1);
      const takesMs = Math.min(step.takesMs ?? 10, timeoutMs);
      clock += takesMs;
      const result: PollResult = { status: step.status, body: step.body ?? '', latencyMs: takesMs };
      if (step.error !== undefined) result.error = step.error;
      return Promise.resolve(result);
    },
  };
  return { deps, calls, sleeps };
}

function settings(overrides: Partial<ProbeSettings> = {}): ProbeSettings {
  return {
    url: URL_UNDER_TEST,
    criteria: { expectedStatus: [{ min: 200, max: 299 }], checkString: '' },
    intervalMs: 1000,
    timeoutMs: 10_000,
    threshold: 3,
    ...overrides,
  };
}

describe('waitForHealthy', () => {
  it('is healthy after threshold passes, logging one line per poll', async () => {
    const { deps, calls } = fakeRun(() => ({ status: 200, takesMs: 12 }));
    const lines: string[] = [];
    const report = await waitForHealthy(settings(), deps, (line) => lines.push(line));
    expect(report.verdict).toBe('healthy');
    expect(calls.map((call) => call.at)).toEqual([0, 1000, 2000]);
    expect(report.elapsedMs).toBe(2012);
    expect(report.polls).toHaveLength(3);
    expect(report.polls[2]).toMatchObject({ status: 200, pass: true, reason: 'ok', at: 2000 });
    expect(lines).toEqual([
      'poll 1: 200 in 12 ms — ok',
      'poll 2: 200 in 12 ms — ok',
      'poll 3: 200 in 12 ms — ok',
    ]);
    expect(report.reason).toBe('3 passing polls in a row after 2 s (3 polls, 3 passed)');
  });

  it('becomes healthy after a slow start', async () => {
    const { deps } = fakeRun((index) => (index < 4 ? { status: 503 } : { status: 200 }));
    const lines: string[] = [];
    const report = await waitForHealthy(settings(), deps, (line) => lines.push(line));
    expect(report.verdict).toBe('healthy');
    expect(report.polls).toHaveLength(7);
    expect(lines[0]).toBe('poll 1: 503 in 10 ms — status 503 not in 200-299');
  });

  it('never calls a flapping app healthy', async () => {
    const { deps, calls } = fakeRun((index) => ({ status: index % 3 === 2 ? 500 : 200 }));
    const report = await waitForHealthy(settings(), deps, () => undefined);
    expect(report.verdict).toBe('unhealthy');
    expect(calls).toHaveLength(10);
    expect(report.reason).toBe(
      'no 3 passing polls in a row within 10 s ' +
        '(10 polls, 7 passed, last: status 500 not in 200-299)',
    );
  });

  it('is unhealthy when the body lacks the check string', async () => {
    const { deps } = fakeRun(() => ({ status: 200, body: 'booting' }));
    const report = await waitForHealthy(
      settings({ criteria: { expectedStatus: [{ min: 200, max: 299 }], checkString: 'ready' } }),
      deps,
      () => undefined,
    );
    expect(report.verdict).toBe('unhealthy');
    expect(report.reason).toContain('0 passed, last: body lacks "ready"');
  });

  it('gives each poll its own timeout, never past the deadline', async () => {
    const { deps, calls } = fakeRun(() => ({
      status: null,
      takesMs: Number.POSITIVE_INFINITY,
      error: 'timeout',
    }));
    const lines: string[] = [];
    const report = await waitForHealthy(
      settings({ intervalMs: 1000, timeoutMs: 7000 }),
      deps,
      (line) => lines.push(line),
    );
    expect(report.verdict).toBe('unhealthy');
    // min(max(interval, 2 s), 10 s) = 2 s; the slots a poll overran are skipped.
    expect(calls).toEqual([
      { at: 0, timeoutMs: 2000 },
      { at: 2000, timeoutMs: 2000 },
      { at: 4000, timeoutMs: 2000 },
      { at: 6000, timeoutMs: 1000 },
    ]);
    expect(report.elapsedMs).toBe(7000);
    expect(lines[0]).toBe('poll 1: no answer in 2000 ms — timeout');
    expect(report.reason).toContain('(4 polls, 0 passed, last: timeout)');
  });

  it('caps the poll timeout at 10 s for long intervals', async () => {
    const { deps, calls } = fakeRun(() => ({ status: 200 }));
    await waitForHealthy(settings({ intervalMs: 30_000, timeoutMs: 300_000 }), deps, () => {});
    expect(calls.map((call) => call.timeoutMs)).toEqual([10_000, 10_000, 10_000]);
  });

  it('polls on a fixed grid, not an interval after each answer', async () => {
    const { deps, calls, sleeps } = fakeRun((index) => ({
      status: index < 2 ? 503 : 200,
      takesMs: 300,
    }));
    const report = await waitForHealthy(settings({ intervalMs: 500 }), deps, () => {});
    expect(calls.map((call) => call.at)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(sleeps).toEqual([200, 200, 200, 200]);
    // The ideal: (threshold - 1) intervals after the first pass, plus the last answer.
    expect(report.elapsedMs).toBe(1000 + 2 * 500 + 300);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const { deps, calls } = fakeRun((index) => {
      if (index === 1) controller.abort();
      return { status: 503 };
    });
    const report = await waitForHealthy(settings(), deps, () => {}, controller.signal);
    expect(calls).toHaveLength(2);
    expect(report.verdict).toBe('unhealthy');
    expect(report.reason).toBe(
      'health check aborted (2 polls, 0 passed, last: status 503 not in 200-299)',
    );
  });

  it('does not poll at all when aborted before it starts', async () => {
    const { deps, calls } = fakeRun(() => ({ status: 200 }));
    const report = await waitForHealthy(settings(), deps, () => {}, AbortSignal.abort());
    expect(calls).toHaveLength(0);
    expect(report.reason).toBe('health check aborted (0 polls, 0 passed)');
  });

  it('records a poll that throws as a failure', async () => {
    const { deps } = fakeRun(() => ({ status: 200 }));
    const throwing: ProbeDeps = { ...deps, poll: () => Promise.reject(new Error('boom')) };
    const report = await waitForHealthy(settings({ timeoutMs: 2000 }), throwing, () => {});
    expect(report.verdict).toBe('unhealthy');
    expect(report.polls[0]).toMatchObject({ status: null, pass: false, reason: 'boom' });
  });

  it('stays bounded when the clock never moves', async () => {
    let polls = 0;
    const frozen: ProbeDeps = {
      now: () => 0,
      sleep: () => Promise.resolve(),
      poll: () => {
        polls += 1;
        return Promise.resolve({ status: 500, body: '', latencyMs: 0 });
      },
    };
    const report = await waitForHealthy(settings(), frozen, () => {});
    expect(report.verdict).toBe('unhealthy');
    // The grid slots run out at the deadline even though the clock stands still.
    expect(polls).toBe(10);
  });
});

describe('httpPoll', () => {
  let server: http.Server;
  let base = '';
  const seenHeaders: http.IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seenHeaders.push(req.headers);
      if (req.url === '/ok') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('all good');
      } else if (req.url === '/down') {
        res.writeHead(503).end('maintenance');
      } else if (req.url === '/moved') {
        res.writeHead(301, { location: '/elsewhere' }).end();
      } else if (req.url === '/slow') {
        const timer = setTimeout(() => res.writeHead(200).end('late'), 2_000);
        res.on('close', () => clearTimeout(timer));
      } else if (req.url === '/big') {
        res.writeHead(200).end('x'.repeat(200 * 1024) + 'marker');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    seenHeaders.length = 0;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads status and body of a 200, without credentials', async () => {
    const result = await httpPoll(`${base}/ok`, 2000);
    expect(result).toMatchObject({ status: 200, body: 'all good' });
    expect(result.error).toBeUndefined();
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.latencyMs).toBeLessThan(2000);
    expect(seenHeaders[0]?.['user-agent']).toBe('guarded-deploy');
    expect(seenHeaders[0]?.authorization).toBeUndefined();
  });

  it('reports a 503 with its body', async () => {
    expect(await httpPoll(`${base}/down`, 2000)).toMatchObject({
      status: 503,
      body: 'maintenance',
    });
  });

  it('does not follow a redirect and records where it pointed', async () => {
    const result = await httpPoll(`${base}/moved`, 2000);
    expect(result).toMatchObject({ status: 301, redirectTo: `${base}/elsewhere` });
    expect(seenHeaders).toHaveLength(1);
  });

  it('gives up on a slow answer at the timeout', async () => {
    const result = await httpPoll(`${base}/slow`, 200);
    expect(result).toMatchObject({ status: null, error: 'timeout after 200 ms' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(190);
    expect(result.latencyMs).toBeLessThan(1500);
  });

  it('reads at most 64 KiB of body', async () => {
    const result = await httpPoll(`${base}/big`, 2000);
    expect(result.status).toBe(200);
    expect(result.body).toHaveLength(64 * 1024);
    expect(result.body).not.toContain('marker');
  });

  it('reports a refused connection', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await httpPoll(`http://127.0.0.1:${port}/health`, 2000);
    expect(result.status).toBeNull();
    expect(result.error).toContain('ECONNREFUSED');
  });

  it('reports a TLS handshake that failed (https to a plain-HTTP port) on one line', async () => {
    const result = await httpPoll(`${base.replace('http:', 'https:')}/ok`, 2000);
    expect(result.status).toBeNull();
    expect(result.errorCode).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
    expect(result.error).toBe(
      'TLS handshake failed: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)',
    );
  });
});
