import { describe, expect, it } from 'vitest';
import {
  decideAfterFailure,
  decidePostStep,
  describeStop,
  endsGreen,
  type FailureFacts,
  mustReadLive,
} from '../../src/flow/decide.js';
import type { RestorePlan } from '../../src/platforms/platform.js';

describe('decideAfterFailure', () => {
  const table: Array<[string, FailureFacts, string]> = [
    [
      'failure before the push',
      { pushStarted: false, previousIsLive: true, rollbackEnabled: true },
      'stop',
    ],
    [
      'push failed, old release live',
      { pushStarted: true, previousIsLive: true, rollbackEnabled: true },
      'stop',
    ],
    [
      'new release live',
      { pushStarted: true, previousIsLive: false, rollbackEnabled: true },
      'rollback',
    ],
    [
      'live release unknown',
      { pushStarted: true, previousIsLive: undefined, rollbackEnabled: true },
      'rollback',
    ],
    [
      'new release live, rollback off',
      { pushStarted: true, previousIsLive: false, rollbackEnabled: false },
      'stop',
    ],
    [
      'unknown, rollback off',
      { pushStarted: true, previousIsLive: undefined, rollbackEnabled: false },
      'stop',
    ],
  ];
  it.each(table)('%s → %s', (_label, facts, kind) => {
    const next = decideAfterFailure(facts);
    expect(next.kind).toBe(kind);
    if (next.kind === 'stop') expect(next.result).toBe('failed');
  });

  it('says why the broken release stays when rollback is off', () => {
    const next = decideAfterFailure({
      pushStarted: true,
      previousIsLive: false,
      rollbackEnabled: false,
    });
    expect(next).toMatchObject({
      kind: 'stop',
      appState: expect.stringMatching(/rollback is false/),
    });
  });
});

describe('decideAfterFailure: the manual recovery command', () => {
  it.each<[string, FailureFacts, boolean]>([
    ['nothing changed', { pushStarted: true, previousIsLive: true, rollbackEnabled: false }, false],
    [
      'new release live',
      { pushStarted: true, previousIsLive: false, rollbackEnabled: false },
      true,
    ],
    [
      'live unknown',
      { pushStarted: true, previousIsLive: undefined, rollbackEnabled: false },
      true,
    ],
  ])('%s: shown = %s', (_name, facts, shown) => {
    const next = decideAfterFailure(facts);
    expect(next.kind === 'stop' && next.showRecovery).toBe(shown);
  });
});

describe('mustReadLive', () => {
  it.each([
    [false, false, false],
    [false, true, false],
    [true, false, false],
    [true, true, true],
  ])('push started %s, live may have changed %s: read = %s', (started, changed, read) => {
    expect(mustReadLive(started, changed)).toBe(read);
  });
});

describe('endsGreen', () => {
  it.each([
    ['deploy', 'deployed', true],
    ['deploy', 'rolled-back', false],
    ['deploy', 'refused', false],
    ['rollback', 'rolled-back', true],
    ['rollback', 'deployed', false],
    ['verify', 'verified', true],
    ['verify', 'failed', false],
    [undefined, 'deployed', true],
    [undefined, 'failed', false],
    ['deploy', undefined, false],
  ] as const)('mode %s, result %s: green = %s', (mode, result, green) => {
    expect(endsGreen(mode, result)).toBe(green);
  });
});

describe('decidePostStep', () => {
  const plan: RestorePlan = { kind: 'release', target: { id: 'r1', label: 'v1' } };
  it.each([
    ['main settled', 'settled', plan, 'nothing'],
    ['main never touched the platform', undefined, undefined, 'nothing'],
    ['deploying without a plan', 'deploying', undefined, 'nothing'],
    ['deploying with an unreadable plan', 'deploying', 'unreadable', 'unreadable'],
    ['settled with an unreadable plan', 'settled', 'unreadable', 'nothing'],
    ['deploying with a plan', 'deploying', plan, 'rollback'],
  ] as const)('%s: %s', (_name, stage, saved, kind) => {
    expect(decidePostStep(stage, saved).kind).toBe(kind);
  });
});

describe('describeStop', () => {
  it.each([
    [
      'an error before the snapshot',
      { cause: 'bad', cancelled: false, snapshotTaken: false, appState: undefined },
      { cause: 'bad', appState: 'nothing was changed' },
    ],
    [
      'an error after the snapshot',
      { cause: 'bad', cancelled: false, snapshotTaken: true, appState: undefined },
      { cause: 'bad', appState: undefined },
    ],
    [
      'an error with the app state known',
      { cause: 'bad', cancelled: false, snapshotTaken: true, appState: 'v3 is live' },
      { cause: 'bad', appState: 'v3 is live' },
    ],
    [
      'a cancellation',
      { cause: 'cancelled', cancelled: true, snapshotTaken: true, appState: 'v3 is live' },
      {
        cause: 'cancelled; the post step rolls back whatever was not verified',
        appState: 'unverified: the post step rolls back',
      },
    ],
  ])('%s', (_name, facts, expected) => {
    expect(describeStop(facts)).toEqual(expected);
  });
});
