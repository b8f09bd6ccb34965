// The deploy lock: before pushing, another deploy of the same app in flight (a build or
// release this run did not start, machines someone else leased) makes this run wait up to
// `lock-wait`, then refuse naming who holds the app. Neither platform offers an atomic deploy
// lock, so this is a check right before the push: it narrows a race, it cannot close one.
import * as core from '@actions/core';
import type { Platform } from '../platforms/platform.js';
import { pollUntil } from '../platforms/kit/poll.js';
import type { Settings } from '../settings/inputs.js';
import { phase, type RunRecord } from './run-record.js';

/** What the lock check answers; `wait` only while `lock-wait` has time left. */
export type LockDecision =
  | { readonly kind: 'go' }
  | { readonly kind: 'wait' }
  | { readonly kind: 'refuse'; readonly cause: string };

export interface LockFacts {
  readonly app: string;
  /** One line per deploy in flight, naming who holds it; empty: nobody. */
  readonly holders: readonly string[];
  /** How long this run has waited for other deploys so far. */
  readonly waitedMs: number;
  /** The `lock-wait` input, in ms. */
  readonly lockWaitMs: number;
}

/** Go when nobody holds the app; wait while `lock-wait` allows; else refuse, naming them. */
export function decideLock(facts: LockFacts): LockDecision {
  if (facts.holders.length === 0) return { kind: 'go' };
  if (facts.waitedMs < facts.lockWaitMs) return { kind: 'wait' };
  const held = `another deploy of ${facts.app} is in flight: ${facts.holders.join('; ')}`;
  const cause =
    facts.lockWaitMs === 0
      ? `Refused to deploy: ${held}. Set \`lock-wait\` to wait for it`
      : `Refused to deploy: after ${Math.round(facts.waitedMs / 1000)} s of \`lock-wait\`, ${held}`;
  return { kind: 'refuse', cause };
}

/** Between reads of who holds the app: builds and rollouts take minutes. */
export const LOCK_POLL_INTERVALS_MS: readonly number[] = [2_000, 3_000, 5_000];
/** Reads of who holds the app in one wait, whatever the clock says (6 h at 5 s). */
const MAX_LOCK_POLLS = 5_000;

export interface LockClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** `free`: push now; `waited`: another deploy ended while this one waited, so what is live
 * must be read again; `refused`: recorded as the run's result. `since` is when this run
 * began waiting for the app, so waits in later rounds share one `lock-wait`. */
export async function awaitDeployLock(
  platform: Platform,
  settings: Settings,
  clock: LockClock,
  record: RunRecord,
  since: number,
): Promise<'free' | 'waited' | 'refused'> {
  const readHolders = platform.deploysInFlight?.bind(platform);
  if (readHolders === undefined) return 'free';
  const lockWaitMs = settings.lockWaitMs ?? 0;
  let firstHolders = '';
  const decide = (holders: readonly string[]): LockDecision => {
    const decision = decideLock({
      app: settings.app,
      holders,
      waitedMs: clock.now() - since,
      lockWaitMs,
    });
    if (decision.kind === 'wait' && firstHolders === '') {
      firstHolders = holders.join('; ');
      core.info(`Another deploy of ${settings.app} is in flight (${firstHolders}): waiting.`);
    }
    return decision;
  };
  let waits = 0;
  const decision = await phase(record, 'lock', clock.now, async (done) => {
    const polled = await pollUntil(
      readHolders,
      (holders) => decide(holders).kind !== 'wait',
      clock,
      {
        intervalsMs: LOCK_POLL_INTERVALS_MS,
        maxPolls: MAX_LOCK_POLLS,
        timeoutMs: Math.max(0, lockWaitMs - (clock.now() - since)),
      },
      { onWait: (count) => (waits = count + 1) },
    );
    const holders = polled.value;
    // Out of time or reads while still held: refused as if `lock-wait` had run out.
    const last = decide(holders);
    const final =
      last.kind === 'wait'
        ? decideLock({ app: settings.app, holders, waitedMs: lockWaitMs, lockWaitMs })
        : last;
    if (final.kind === 'refuse') done('refused', holders.join('; '));
    else done('ok', waits > 0 ? `free after waiting for: ${firstHolders}` : 'no other deploy');
    return final;
  });
  if (decision.kind === 'refuse') {
    record.result = 'refused';
    record.cause = decision.cause;
    record.appState = 'nothing was pushed; the live release is what the other deploy left';
    return 'refused';
  }
  return waits > 0 ? 'waited' : 'free';
}
