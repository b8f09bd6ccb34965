import { describe, expect, it } from 'vitest';
import { quantile, renderSummary } from '../../src/report/summary.js';
import { newRunRecord } from '../../src/flow/run-record.js';

describe('quantile', () => {
  it.each([
    [[], 0.5, NaN],
    [[7], 0.95, 7],
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5],
  ])('%j at %d is %d', (values, q, expected) => {
    expect(quantile(values, q)).toEqual(expected);
  });
});

describe('renderSummary', () => {
  it('shows the verdict, cause, recovery command, timeline and health statistics', () => {
    const record = newRunRecord('heroku', 'shop', new Date(0));
    record.result = 'failed';
    record.cause = 'New release v5 is unhealthy | really';
    record.appState = 'THE APP MAY BE DOWN';
    record.recovery = 'heroku releases:rollback v4 --app shop';
    record.previous = { id: 'r4', label: 'v4' };
    record.release = { id: 'r5', label: 'v5' };
    record.healthUrl = 'http://127.0.0.1:1/health';
    record.phases.push({
      name: 'push',
      startMs: 1200,
      durationMs: 3400,
      outcome: 'ok',
      detail: '',
    });
    record.health = {
      verdict: 'unhealthy',
      reason: 'no',
      elapsedMs: 4000,
      polls: [10, 20, 30, 40].map((latencyMs, index) => ({
        at: index * 1000,
        status: 500,
        body: '',
        latencyMs,
        pass: index === 0,
        reason: 'status 500 not in 200-299',
      })),
    };
    const markdown = renderSummary(record);
    expect(markdown).toMatch(/^## guarded-deploy: FAILED/);
    expect(markdown).toContain('New release v5 is unhealthy | really');
    expect(markdown).toContain('THE APP MAY BE DOWN');
    expect(markdown).toContain('heroku releases:rollback v4 --app shop');
    expect(markdown).toContain('| push | +1.2 s | 3.4 s | ok |  |');
    expect(markdown).toContain('| new release | unhealthy | 4 | 1 | 3 | 20 ms | 40 ms | 4.0 s |');
    expect(markdown).toContain('| v4 | v5 | - | THE APP MAY BE DOWN |');
  });
});
