// The deploy lock: before pushing, another deploy of the same app in flight makes this run wait
// up to `lock-wait`, then refuse naming who holds the app. Two sources: the deploy queue of
// GitHub deployments (`deploy-queue.ts`: guarded-deploy jobs with `environment`, ordered by
// deployment id, so exactly one of two jobs started together goes first), and the platform (a
// build or release this run did not start, machines someone else leased), which also sees
// deploys from elsewhere but has no atomic lock: for those it narrows a race, not closes it.
import * as core from '@actions/core';
import { errorMessage } from '../io/errors.js';
import type { Platform } from '../platforms/platform.js';
import { pollUntil } from '../platforms/kit/poll.js';
import type { Settings } from '../settings/inputs.js';
import { phase, type RunRecord } from './run-record.js';
import { QueueUnreadable } from './deploy-queue.js';

/** Reads the deploys queued ahead of this one (GitHub deployments), one line each. */
export type DeploysAhead = () => Promise<readonly string[]>;

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

/** Holders from both sources: the queue ahead of this deploy first, then the platform. */
function holdersOf(
  platform: Platform,
  deploysAhead: DeploysAhead | undefined,
): (() => Promise<readonly string[]>) | undefined {
  const onPlatform = platform.deploysInFlight?.bind(platform);
  if (onPlatform === undefined && deploysAhead === undefined) return undefined;
  return async () => [...((await deploysAhead?.()) ?? []), ...((await onPlatform?.()) ?? [])];
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
  deploysAhead?: DeploysAhead,
): Promise<'free' | 'waited' | 'refused'> {
  const readHolders = holdersOf(platform, deploysAhead);
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
  const decision = await phase(record, 'lock', clock.now, async (done): Promise<LockDecision> => {
    let holders: readonly string[];
    try {
      holders = await pollHolders(readHolders, decide, clock, lockWaitMs - (clock.now() - since), {
        onWait: (count) => (waits = count + 1),
      });
    } catch (error) {
      if (!(error instanceof QueueUnreadable)) throw error;
      done('refused', `deploy queue unreadable: ${errorMessage(error)}`);
      return { kind: 'refuse', cause: queueUnreadableCause(settings, error) };
    }
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
    record.appState =
      waits > 0
        ? 'nothing was pushed; the live release is what the other deploy left'
        : 'nothing was pushed; the live release is unchanged';
    return 'refused';
  }
  return waits > 0 ? 'waited' : 'free';
}

/** Reads the holders until nobody holds the app or `lock-wait` has no time left. */
async function pollHolders(
  readHolders: () => Promise<readonly string[]>,
  decide: (holders: readonly string[]) => LockDecision,
  clock: LockClock,
  timeLeftMs: number,
  options: { onWait: (count: number) => void },
): Promise<readonly string[]> {
  const polled = await pollUntil(
    readHolders,
    (holders) => decide(holders).kind !== 'wait',
    clock,
    {
      intervalsMs: LOCK_POLL_INTERVALS_MS,
      maxPolls: MAX_LOCK_POLLS,
      timeoutMs: Math.max(0, timeLeftMs),
    },
    options,
  );
  return polled.value;
}

/** Without its turn in the queue a deploy could push beside another: it refuses. */
function queueUnreadableCause(settings: Settings, error: QueueUnreadable): string {
  const where = settings.environment ?? 'the environment';
  return (
    `Refused to deploy: could not read the deploys of ${settings.app} queued ahead of this ` +
    `one in ${where} (GitHub deployments): ${error.message}`
  );
}
