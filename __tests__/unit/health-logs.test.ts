// The condemned release's own lines: best effort, never a failure of the run.
import { describe, expect, it } from 'vitest';
import type { Platform } from '../../src/platforms/platform.js';
import { flyLogsBase } from '../../src/platforms/fly/logs.js';
import { APP_LOG_LINES, fetchAppLogs } from '../../src/verify/logs.js';

const release = { id: 'r1', label: 'v5' };

function platformWith(recentLogs: Platform['recentLogs']): Platform {
  return { recentLogs } as unknown as Platform;
}

describe('fetchAppLogs', () => {
  it('keeps the last lines the platform gave, at most 100', async () => {
    const lines = Array.from({ length: 150 }, (_, index) => `line ${index}`);
    const logs = await fetchAppLogs(
      platformWith(() => Promise.resolve(lines)),
      release,
    );
    expect(logs.lines).toHaveLength(APP_LOG_LINES);
    expect(logs.lines.at(-1)).toBe('line 149');
    expect(logs.note).toBeUndefined();
  });

  it('turns a failed read into a note, never a rejection', async () => {
    const logs = await fetchAppLogs(
      platformWith(() => Promise.reject(new Error('log session refused'))),
      release,
    );
    expect(logs).toMatchObject({ lines: [], note: 'log session refused' });
  });

  it('says so when the platform has no logs to give', async () => {
    const logs = await fetchAppLogs({} as unknown as Platform, release);
    expect(logs).toEqual({ lines: [], note: 'not available', elapsedMs: 0 });
  });

  it('says how long the read took, from its start to its answer', async () => {
    let clock = 1_000;
    let answer: (lines: string[]) => void = () => undefined;
    const pending = fetchAppLogs(
      platformWith(() => new Promise((resolve) => (answer = resolve))),
      release,
      () => clock,
    );
    clock += 42;
    answer(['one']);
    expect(await pending).toEqual({ lines: ['one'], note: undefined, elapsedMs: 42 });
  });
});

describe('flyLogsBase', () => {
  // flyctl asks for logs on FLY_API_BASE_URL (https://api.fly.io), not on the Machines API.
  it.each([
    ['https://api.machines.dev', 'https://api.fly.io'],
    ['https://api.machines.dev/v1', 'https://api.fly.io'],
    ['https://fly-proxy.example.com/machines/v1', 'https://fly-proxy.example.com'],
    ['http://127.0.0.1:4280/v1', 'http://127.0.0.1:4280'],
  ])('%s -> %s', (apiUrl, base) => {
    expect(flyLogsBase(apiUrl)).toBe(base);
  });
});
