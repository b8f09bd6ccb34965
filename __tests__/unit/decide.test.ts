import { describe, expect, it } from 'vitest';
import { decideAfterFailure, type FailureFacts } from '../../src/flow/decide.js';

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
