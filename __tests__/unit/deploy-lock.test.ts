// The deploy lock's decision by table, and its wait with an injected clock (no timers).
import { describe, expect, it } from 'vitest';
import { awaitDeployLock, decideLock, type LockFacts } from '../../src/flow/deploy-lock.js';
import { newRunRecord } from '../../src/flow/run-record.js';
import type { Platform } from '../../src/platforms/platform.js';
import type { Settings } from '../../src/settings/inputs.js';
import { artifactProblem, parseLockWait } from '../../src/settings/deploy-inputs.js';

const held = ['build b-1 by dev@example.com is pending'];

describe('decideLock', () => {
  const table: [string, Omit<LockFacts, 'app'>, string][] = [
    ['nobody holds the app', { holders: [], waitedMs: 0, lockWaitMs: 0 }, 'go'],
    ['nobody after waiting', { holders: [], waitedMs: 9_000, lockWaitMs: 5_000 }, 'go'],
    ['held, lock-wait 0', { holders: held, waitedMs: 0, lockWaitMs: 0 }, 'refuse'],
    ['held, time left', { holders: held, waitedMs: 4_999, lockWaitMs: 5_000 }, 'wait'],
    ['held, lock-wait used up', { holders: held, waitedMs: 5_000, lockWaitMs: 5_000 }, 'refuse'],
  ];
  it.each(table)('%s: %s', (_title, facts, kind) => {
    expect(decideLock({ app: 'shop', ...facts }).kind).toBe(kind);
  });

  it('names the holder and the input that waits for it', () => {
    const now = decideLock({ app: 'shop', holders: held, waitedMs: 0, lockWaitMs: 0 });
    expect(now).toMatchObject({ kind: 'refuse' });
    const cause = now.kind === 'refuse' ? now.cause : '';
    expect(cause).toContain('build b-1 by dev@example.com');
    expect(cause).toContain('`lock-wait`');
    const later = decideLock({ app: 'shop', holders: held, waitedMs: 61_000, lockWaitMs: 60_000 });
    expect(later.kind === 'refuse' ? later.cause : '').toMatch(/after 61 s of `lock-wait`/);
  });
});

/** A platform whose `deploysInFlight` answers from a script, one answer per read. */
function scripted(answers: (readonly string[])[]): { platform: Platform; reads: () => number } {
  let reads = 0;
  const platform = {
    deploysInFlight: () => Promise.resolve(answers[Math.min(reads++, answers.length - 1)] ?? []),
  } as unknown as Platform;
  return { platform, reads: () => reads };
}

function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let time = 1_000_000;
  return {
    now: () => time,
    sleep: (ms) => {
      time += ms;
      return Promise.resolve();
    },
  };
}

const settings = (lockWaitMs: number): Settings =>
  ({ app: 'shop', lockWaitMs }) as unknown as Settings;

describe('awaitDeployLock', () => {
  it('goes at once when nobody holds the app', async () => {
    const { platform, reads } = scripted([[]]);
    const record = newRunRecord('heroku', 'shop', new Date());
    expect(await awaitDeployLock(platform, settings(0), fakeClock(), record, 1_000_000)).toBe(
      'free',
    );
    expect(reads()).toBe(1);
    expect(record.result).toBeUndefined();
  });

  it('refuses at once with lock-wait 0, naming the holder', async () => {
    const { platform, reads } = scripted([held]);
    const record = newRunRecord('heroku', 'shop', new Date());
    const clock = fakeClock();
    expect(await awaitDeployLock(platform, settings(0), clock, record, clock.now())).toBe(
      'refused',
    );
    expect(reads()).toBe(1);
    expect(record.result).toBe('refused');
    expect(record.cause).toContain('dev@example.com');
  });

  it('waits while held and says so once the other deploy ended', async () => {
    const { platform, reads } = scripted([held, held, []]);
    const record = newRunRecord('heroku', 'shop', new Date());
    const clock = fakeClock();
    expect(await awaitDeployLock(platform, settings(60_000), clock, record, clock.now())).toBe(
      'waited',
    );
    expect(reads()).toBe(3);
    expect(record.result).toBeUndefined();
  });

  it('refuses once lock-wait ran out, after reading again until then', async () => {
    const { platform, reads } = scripted([held]);
    const record = newRunRecord('heroku', 'shop', new Date());
    const clock = fakeClock();
    const start = clock.now();
    expect(await awaitDeployLock(platform, settings(10_000), clock, record, start)).toBe('refused');
    expect(clock.now() - start).toBeGreaterThanOrEqual(10_000);
    expect(reads()).toBeGreaterThan(2);
    expect(record.cause).toMatch(/after 1\d s of `lock-wait`/);
  });
});

describe('deploy inputs', () => {
  it.each([
    ['', 0],
    ['0', 0],
    ['300', 300_000],
    ['1.5', 'is not a whole number of seconds like 0 or 300'],
  ])('lock-wait %j reads as %j', (value, expected) => {
    expect(parseLockWait(value)).toBe(expected);
  });

  const digest = `sha256:${'ab'.repeat(32)}`;
  it.each([
    ['heroku', '01234567-89ab-cdef-0123-456789abcdef', true],
    ['heroku', 'v42', false],
    ['fly', `registry.fly.io/shop-staging:deployment-01H@${digest}`, true],
    ['fly', `registry.fly.io/shop-staging@${digest}`, true],
    ['fly', 'registry.fly.io/shop-staging:deployment-01H', false],
    ['fly', '01234567-89ab-cdef-0123-456789abcdef', false],
  ] as const)('%s artifact %s is valid: %s', (platform, value, ok) => {
    expect(artifactProblem(platform, value) === undefined).toBe(ok);
  });
});
