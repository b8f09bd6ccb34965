import { describe, expect, it } from 'vitest';
import { decideAfterFailure, type FailureFacts, type NextStep } from '../../src/flow/decide.js';

const UNCHANGED = 'the release that was live before is still live; nothing changed';

describe('decideAfterFailure', () => {
  // Each row: the facts after a failure, and the whole next step (what the summary will say
  // about the app included).
  const table: Array<[string, FailureFacts, NextStep]> = [
    [
      'failure before the push: nothing changed',
      { pushStarted: false, previousIsLive: undefined, rollbackEnabled: true },
      { kind: 'stop', result: 'failed', appState: UNCHANGED },
    ],
    [
      'failure before the push, rollback off: nothing changed',
      { pushStarted: false, previousIsLive: false, rollbackEnabled: false },
      { kind: 'stop', result: 'failed', appState: UNCHANGED },
    ],
    [
      'push failed with the old release live: nothing to roll back',
      { pushStarted: true, previousIsLive: true, rollbackEnabled: true },
      { kind: 'stop', result: 'failed', appState: UNCHANGED },
    ],
    [
      'new release live: roll back',
      { pushStarted: true, previousIsLive: false, rollbackEnabled: true },
      { kind: 'rollback' },
    ],
    [
      'live release unknown: roll back (it may be the new one)',
      { pushStarted: true, previousIsLive: undefined, rollbackEnabled: true },
      { kind: 'rollback' },
    ],
    [
      'new release live, rollback off: it stays, and the summary says why',
      { pushStarted: true, previousIsLive: false, rollbackEnabled: false },
      {
        kind: 'stop',
        result: 'failed',
        appState: 'the new release stays live because rollback is false',
      },
    ],
    [
      'live release unknown, rollback off: says it is unknown',
      { pushStarted: true, previousIsLive: undefined, rollbackEnabled: false },
      {
        kind: 'stop',
        result: 'failed',
        appState: 'the live release is unknown and rollback is false',
      },
    ],
  ];
  it.each(table)('%s', (_label, facts, expected) => {
    expect(decideAfterFailure(facts)).toEqual(expected);
  });
});
