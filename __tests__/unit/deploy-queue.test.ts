// The deploy queue by table: which earlier deployment holds the app and which is stale, how
// holders are named, how the queue is read (bounded pages, lazy reads), and what the lock does
// with it (no timers: an injected clock).
import { describe, expect, it } from 'vitest';
import {
  type QueuedFacts,
  type QueuePosition,
  type QueueSource,
  QueueUnreadable,
  readQueueHolders,
  STALE_AFTER_MS,
  standing,
} from '../../src/flow/deploy-queue.js';
import { awaitDeployLock } from '../../src/flow/deploy-lock.js';
import { lockWords } from '../../src/flow/plan-lock.js';
import { newRunRecord } from '../../src/flow/run-record.js';
import type { Platform } from '../../src/platforms/platform.js';
import type { ListedDeployment } from '../../src/report/deployments.js';
import type { Settings } from '../../src/settings/inputs.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const LINKS = { serverUrl: 'https://github.com', owner: 'acme', repo: 'shop' };
const ours: QueuePosition = {
  app: 'shop',
  platform: 'heroku',
  ticket: { runId: 500, attempt: 2, job: 'deploy' },
  deploymentId: 40,
  nowMs: NOW,
};

function listed(
  id: number,
  payload: Record<string, unknown> = {},
  ageMs = 60_000,
): ListedDeployment {
  return {
    id,
    sha: 'abcdef0123456789abcdef0123456789abcdef01',
    createdAtMs: NOW - ageMs,
    creator: 'github-actions[bot]',
    payload: {
      by: 'guarded-deploy',
      platform: 'heroku',
      app: 'shop',
      run_id: 400,
      run_attempt: 1,
      job: 'deploy',
      ...payload,
    },
  };
}

describe('standing', () => {
  const table: [string, QueuedFacts, QueuePosition, string][] = [
    ['a later deployment', { listed: listed(41) }, ours, 'not-ahead'],
    ['our own deployment', { listed: listed(40) }, ours, 'not-ahead'],
    ['another app', { listed: listed(39, { app: 'blog' }) }, ours, 'not-ahead'],
    ['another platform', { listed: listed(39, { platform: 'fly' }) }, ours, 'not-ahead'],
    ['not made by this action', { listed: listed(39, { by: 'other' }) }, ours, 'not-ahead'],
    ['no run recorded', { listed: listed(39, { run_id: 'x' }) }, ours, 'not-ahead'],
    ['a string payload', { listed: { ...listed(39), payload: 'x' } }, ours, 'not-ahead'],
    ['older than 6 h', { listed: listed(39, {}, STALE_AFTER_MS + 1) }, ours, 'stale'],
    ['an earlier attempt of our run', { listed: listed(39, { run_id: 500 }) }, ours, 'stale'],
    ['status not read yet', { listed: listed(39) }, ours, 'read status'],
    ['no status yet, run unread', { listed: listed(39), latestState: null }, ours, 'read run'],
    ['ended in success', { listed: listed(39), latestState: 'success' }, ours, 'ended'],
    ['ended in error', { listed: listed(39), latestState: 'error' }, ours, 'ended'],
    ['inactive', { listed: listed(39), latestState: 'inactive' }, ours, 'ended'],
    [
      'in progress, run completed',
      { listed: listed(39), latestState: 'in_progress', runStatus: 'completed' },
      ours,
      'stale',
    ],
    [
      'queued, run gone',
      { listed: listed(39), latestState: 'queued', runStatus: 'gone' },
      ours,
      'stale',
    ],
    [
      'in progress, run in progress',
      { listed: listed(39), latestState: 'in_progress', runStatus: 'in_progress' },
      ours,
      'holder',
    ],
    [
      'pending, run queued (re-run waiting)',
      { listed: listed(39), latestState: 'pending', runStatus: 'queued' },
      ours,
      'holder',
    ],
    [
      'a job of our own run attempt: no run read',
      { listed: listed(39, { run_id: 500, run_attempt: 2 }), latestState: null },
      ours,
      'holder',
    ],
    [
      'plan mode: every deployment of the app in flight',
      { listed: listed(99), latestState: null, runStatus: 'in_progress' },
      { ...ours, deploymentId: undefined },
      'holder',
    ],
  ];
  it.each(table)('%s', (_title, facts, position, expected) => {
    const found = standing(facts, position);
    expect(found.kind === 'read' ? `read ${found.what}` : found.kind).toBe(expected);
  });
});

/** Deployments on pages of `pageSize`, statuses and runs from maps, every read counted. */
function source(
  all: ListedDeployment[],
  states: Record<number, string | null>,
  runs: Record<number, string>,
  pageSize = 100,
): QueueSource & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    pageSize,
    listPage: (page) => {
      reads.push(`page ${page}`);
      return Promise.resolve(all.slice((page - 1) * pageSize, page * pageSize));
    },
    latestState: (id) => {
      reads.push(`status ${id}`);
      return Promise.resolve(states[id] ?? null);
    },
    runStatus: (runId) => {
      reads.push(`run ${runId}`);
      const status = runs[runId];
      return status === undefined
        ? Promise.reject(new Error('502 Bad Gateway'))
        : Promise.resolve(status);
    },
  };
}

describe('readQueueHolders', () => {
  it('names the holders ahead, reading statuses and runs only where they decide', async () => {
    const github = source(
      [
        listed(41),
        listed(40),
        listed(39),
        listed(38, { run_id: 401 }),
        listed(37, { app: 'blog' }),
      ],
      { 39: 'in_progress', 38: null },
      { 400: 'in_progress', 401: 'completed' },
    );
    const holders = await readQueueHolders(github, ours, LINKS);
    expect(holders).toEqual([
      'deployment 39 of abcdef0 by github-actions[bot] (queued ahead, run ' +
        'https://github.com/acme/shop/actions/runs/400/attempts/1 job deploy) is in progress',
    ]);
    expect(github.reads).toEqual(['page 1', 'status 39', 'run 400', 'status 38', 'run 401']);
  });

  it('reads a run once for its deployments, and stops paging at 6 h old', async () => {
    const old = STALE_AFTER_MS + 1;
    const github = source(
      [listed(39), listed(38), listed(37, {}, old), listed(36, {}, old)],
      { 39: 'queued', 38: 'pending' },
      { 400: 'in_progress' },
      3,
    );
    expect(await readQueueHolders(github, ours, LINKS)).toHaveLength(2);
    expect(github.reads).toEqual(['page 1', 'status 39', 'run 400', 'status 38']);
  });

  it('reads at most 3 pages', async () => {
    const many = Array.from({ length: 10 }, (_, i) => listed(39 - i, { app: 'blog' }));
    const github = source(many, {}, {}, 2);
    expect(await readQueueHolders(github, ours, LINKS)).toEqual([]);
    expect(github.reads).toEqual(['page 1', 'page 2', 'page 3']);
  });

  it('turns a failed read into QueueUnreadable, with its cause', async () => {
    const github = source([listed(39)], { 39: 'in_progress' }, {});
    const read = readQueueHolders(github, ours, LINKS);
    await expect(read).rejects.toBeInstanceOf(QueueUnreadable);
    await expect(read).rejects.toThrow('502 Bad Gateway');
  });
});

describe('the lock with the queue', () => {
  const settings = { app: 'shop', lockWaitMs: 0, environment: 'production' } as unknown as Settings;
  const platform = (holders: string[]): Platform =>
    ({ deploysInFlight: () => Promise.resolve(holders) }) as unknown as Platform;
  const clock = { now: () => NOW, sleep: () => Promise.resolve() };

  it('refuses naming the queue holder first, then the platform one', async () => {
    const record = newRunRecord('heroku', 'shop', new Date(NOW));
    const ahead = () => Promise.resolve(['deployment 39 … is in progress']);
    const result = await awaitDeployLock(
      platform(['build b-1 is pending']),
      settings,
      clock,
      record,
      NOW,
      ahead,
    );
    expect(result).toBe('refused');
    expect(record.cause).toContain('deployment 39 … is in progress; build b-1 is pending');
  });

  it('goes when neither source holds the app', async () => {
    const record = newRunRecord('heroku', 'shop', new Date(NOW));
    const ahead = () => Promise.resolve([]);
    expect(await awaitDeployLock(platform([]), settings, clock, record, NOW, ahead)).toBe('free');
  });

  it('refuses with a clear cause when the queue cannot be read', async () => {
    const record = newRunRecord('heroku', 'shop', new Date(NOW));
    const ahead = () => Promise.reject(new QueueUnreadable('403 Resource not accessible'));
    expect(await awaitDeployLock(platform([]), settings, clock, record, NOW, ahead)).toBe(
      'refused',
    );
    expect(record.result).toBe('refused');
    expect(record.cause).toMatch(
      /^Refused to deploy: could not read the deploys of shop queued ahead of this one in production .*403 Resource not accessible/,
    );
    expect(record.appState).toBe('nothing was pushed; the live release is unchanged');
  });
});

describe('lockWords (mode: plan)', () => {
  it.each([
    [[['heroku', { holders: [] }]], 'free: no other deploy of shop in flight (heroku)'],
    [
      [
        ['deploy queue of production', { holders: ['deployment 39'] }],
        ['heroku', { holders: ['build b-1'] }],
      ],
      'held: deployment 39; build b-1',
    ],
    [
      [
        ['deploy queue of production', { unreadable: '403' }],
        ['heroku', { holders: [] }],
      ],
      'unknown; deploy queue of production unreadable: 403',
    ],
  ] as const)('%j', (reads, words) => {
    expect(lockWords('shop', reads)).toBe(words);
  });
});
