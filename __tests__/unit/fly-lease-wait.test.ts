// How long a rollback waits for a lease someone else holds: out of what is left of its budget,
// less what restoring the machine afterwards needs; a table on an injected clock.
import { describe, expect, it } from 'vitest';
import { decideLeaseWait } from '../../src/platforms/fly/lease-wait.js';
import type { LeaseWait, LeaseWaitFacts } from '../../src/platforms/fly/lease-wait.js';

const NOW = 1_000_000;
const S = 1_000;
const base: LeaseWaitFacts = {
  now: NOW,
  budgetEndsAt: NOW + 240 * S,
  reserveMs: 60 * S,
  holderExpiresAt: undefined,
  attempt: 1,
  maxAttempts: 3,
  retryMs: 3 * S,
};

const cases: ReadonlyArray<[string, Partial<LeaseWaitFacts>, LeaseWait]> = [
  [
    'flyctl in-place lease (13 s) within the budget: wait it out',
    { holderExpiresAt: NOW + 13 * S },
    { kind: 'wait', ms: 13.5 * S },
  ],
  [
    'a --wait-timeout lease (5 min) past the budget: give up at once',
    { holderExpiresAt: NOW + 300 * S },
    { kind: 'give-up', leftMs: 180 * S },
  ],
  [
    'a lease ending exactly when the budget leaves off: wait, capped',
    { holderExpiresAt: NOW + 180 * S },
    { kind: 'wait', ms: 180 * S },
  ],
  [
    'a lease past what is left late in the budget: give up, naming what was left',
    { now: NOW + 100 * S, holderExpiresAt: NOW + 200 * S },
    { kind: 'give-up', leftMs: 80 * S },
  ],
  [
    'budget spent except the reserve: give up with 0 s left',
    { now: NOW + 180 * S, holderExpiresAt: NOW + 181 * S },
    { kind: 'give-up', leftMs: 0 },
  ],
  ['budget already over: give up', { now: NOW + 300 * S }, { kind: 'give-up', leftMs: 0 }],
  [
    'a lease that just expired: look again just past it',
    { holderExpiresAt: NOW - 5 * S },
    { kind: 'wait', ms: 500 },
  ],
  ['expiry unknown: retry while attempts remain', { attempt: 2 }, { kind: 'wait', ms: 3 * S }],
  [
    'expiry unknown, attempts used up: give up',
    { attempt: 3 },
    { kind: 'give-up', leftMs: 180 * S },
  ],
  [
    'expiry unknown, less budget left than a retry: wait what is left',
    { now: NOW + 178 * S },
    { kind: 'wait', ms: 2 * S },
  ],
  [
    'no reserve: the whole budget may be waited',
    { reserveMs: 0, holderExpiresAt: NOW + 230 * S },
    { kind: 'wait', ms: 230.5 * S },
  ],
];

describe('decideLeaseWait', () => {
  it.each(cases)('%s', (_name, facts, expected) => {
    expect(decideLeaseWait({ ...base, ...facts })).toEqual(expected);
  });
});
