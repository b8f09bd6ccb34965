import { describe, expect, it } from 'vitest';
import {
  decideAfterFailure,
  decidePostStep,
  describeStop,
  endsGreen,
  type FailureFacts,
  mustReadLive,
  type NextStep,
  postStepMayRollBack,
} from '../../src/flow/decide.js';
import type { RestorePlan } from '../../src/platforms/platform.js';

const UNCHANGED = 'v5, live before the deploy, is still live; nothing changed';

describe('decideAfterFailure', () => {
  // Each row: the facts after a failure, and the whole next step (what the summary will say
  // about the app included).
  const table: Array<[string, FailureFacts, NextStep]> = [
    [
      'failure before the push: nothing changed',
      { pushStarted: false, previousIsLive: undefined, rollbackEnabled: true, previous: 'v5' },
      { kind: 'stop', result: 'failed', appState: UNCHANGED, showRecovery: false },
    ],
    [
      'failure before the push, rollback off: nothing changed',
      { pushStarted: false, previousIsLive: false, rollbackEnabled: false, previous: 'v5' },
      { kind: 'stop', result: 'failed', appState: UNCHANGED, showRecovery: false },
    ],
    [
      'push failed with the old release live: nothing to roll back',
      { pushStarted: true, previousIsLive: true, rollbackEnabled: true, previous: 'v5' },
      { kind: 'stop', result: 'failed', appState: UNCHANGED, showRecovery: false },
    ],
    [
      'new release live: roll back',
      { pushStarted: true, previousIsLive: false, rollbackEnabled: true, previous: 'v5' },
      { kind: 'rollback' },
    ],
    [
      'live release unknown: roll back (it may be the new one)',
      { pushStarted: true, previousIsLive: undefined, rollbackEnabled: true, previous: 'v5' },
      { kind: 'rollback' },
    ],
    [
      'new release live, rollback off: it stays, and the summary says why',
      { pushStarted: true, previousIsLive: false, rollbackEnabled: false, previous: 'v5' },
      {
        kind: 'stop',
        result: 'failed',
        appState: 'the new release stays live because rollback is false',
        showRecovery: true,
      },
    ],
    [
      'live release unknown, rollback off: says it is unknown',
      { pushStarted: true, previousIsLive: undefined, rollbackEnabled: false, previous: 'v5' },
      {
        kind: 'stop',
        result: 'failed',
        appState: 'the live release is unknown and rollback is false',
        showRecovery: true,
      },
    ],
  ];
  it.each(table)('%s', (_label, facts, expected) => {
    expect(decideAfterFailure(facts)).toEqual(expected);
  });
});

describe('decideAfterFailure: the manual recovery command', () => {
  it.each<[string, FailureFacts, boolean]>([
    [
      'nothing changed',
      { pushStarted: true, previousIsLive: true, rollbackEnabled: false, previous: 'v5' },
      false,
    ],
    [
      'new release live',
      { pushStarted: true, previousIsLive: false, rollbackEnabled: false, previous: 'v5' },
      true,
    ],
    [
      'live unknown',
      { pushStarted: true, previousIsLive: undefined, rollbackEnabled: false, previous: 'v5' },
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

describe('postStepMayRollBack (read from the raw state before anything loads)', () => {
  it.each([
    ['deploying with a plan saved', 'deploying', true, true],
    ['deploying without a plan', 'deploying', false, false],
    ['settled with a plan saved', 'settled', true, false],
    ['main never saved a stage', '', true, false],
    ['an unknown stage', 'Deploying', true, false],
  ] as const)('%s: %s', (_name, stage, planSaved, mayRollBack) => {
    expect(postStepMayRollBack(stage, planSaved)).toBe(mayRollBack);
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
