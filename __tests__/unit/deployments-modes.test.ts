import { describe, expect, it } from 'vitest';
import {
  currentDeployment,
  rollbackStatuses,
  verifyStatus,
} from '../../src/report/deployments-modes.js';

describe('rollbackStatuses', () => {
  it('makes the rolled-back deployment inactive before the restored one succeeds', () => {
    const planned = rollbackStatuses({ target: 'v3', from: 'v5', ok: true });
    expect(planned.map((status) => [status.deployment, status.state])).toEqual([
      ['rolledBack', 'inactive'],
      ['restored', 'success'],
    ]);
    expect(planned[1]?.withEnvironmentUrl).toBe(true);
  });

  it('fails only the new deployment when the rollback failed', () => {
    const planned = rollbackStatuses({ target: 'v3', from: 'v5', ok: false, reason: 'boom' });
    expect(planned).toEqual([
      {
        deployment: 'restored',
        state: 'failure',
        withEnvironmentUrl: false,
        description: 'Rollback to v3 failed: boom',
      },
    ]);
  });
});

describe('verifyStatus', () => {
  it.each([
    [true, 'success', true],
    [false, 'failure', false],
  ] as const)('healthy %s → %s', (healthy, state, withUrl) => {
    const status = verifyStatus('v7', healthy, 'HTTP 503');
    expect(status).toMatchObject({ deployment: 'current', state, withEnvironmentUrl: withUrl });
  });
});

describe('currentDeployment', () => {
  it.each([
    ['none', [], undefined],
    ['a live one', [{ id: 2, states: ['in_progress', 'success'] }], 2],
    [
      'skips a rolled-back deploy (never a success)',
      [
        { id: 3, states: ['in_progress', 'failure'] },
        { id: 2, states: ['success'] },
      ],
      2,
    ],
    [
      'skips a replaced one',
      [
        { id: 3, states: ['success', 'inactive'] },
        { id: 2, states: ['success', 'inactive', 'success'] },
      ],
      2,
    ],
    ['keeps one whose health check failed', [{ id: 4, states: ['success', 'failure'] }], 4],
  ])('%s', (_name, deployments, expected) => {
    expect(currentDeployment(deployments)).toBe(expected);
  });
});
