// What to do after something went wrong: a pure decision over what is known, tested by table.
import type { RestorePlan } from '../platforms/platform.js';
import type { ModeName, ResultValue } from '../settings/names.js';
import type { Stage } from './state.js';

export interface FailureFacts {
  /** The push was started: the platform may have changed. */
  readonly pushStarted: boolean;
  /** Whether the platform still serves the release recorded before the push
   * (undefined: it could not be read). */
  readonly previousIsLive: boolean | undefined;
  readonly rollbackEnabled: boolean;
  /** The release live before the deploy, as people name it (`v5`; Fly: with its image). */
  readonly previous: string;
}

export type NextStep =
  | { readonly kind: 'rollback' }
  | {
      readonly kind: 'stop';
      readonly result: ResultValue;
      readonly appState: string;
      /** Print the command that puts the app back by hand: it may not be where it was. */
      readonly showRecovery: boolean;
    };

/** After a failure, whether to read what is live: only when the push started and may have
 * changed it; otherwise the release live before still is. */
export function mustReadLive(pushStarted: boolean, liveChanged: boolean): boolean {
  return pushStarted && liveChanged;
}

/** After a failure: roll back whenever the app may not be on the release it had before. */
export function decideAfterFailure(facts: FailureFacts): NextStep {
  if (!facts.pushStarted || facts.previousIsLive === true) {
    return {
      kind: 'stop',
      result: 'failed',
      appState: `${facts.previous}, live before the deploy, is still live; nothing changed`,
      showRecovery: false,
    };
  }
  if (!facts.rollbackEnabled) {
    return {
      kind: 'stop',
      result: 'failed',
      appState:
        facts.previousIsLive === false
          ? 'the new release stays live because rollback is false'
          : 'the live release is unknown and rollback is false',
      showRecovery: true,
    };
  }
  return { kind: 'rollback' };
}

/** The results a run may end green with, per mode; any other fails the step. */
const GREEN: Record<ModeName, readonly ResultValue[]> = {
  deploy: ['deployed'],
  rollback: ['rolled-back'],
  verify: ['verified'],
  plan: ['planned'],
};

/** Whether the main step ends green; before the inputs are read the mode counts as deploy. */
export function endsGreen(mode: ModeName | undefined, result: ResultValue | undefined): boolean {
  return result !== undefined && GREEN[mode ?? 'deploy'].includes(result);
}

export type PostStep =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'unreadable' }
  | { readonly kind: 'rollback'; readonly plan: RestorePlan };

/** What the post step says when main left nothing to roll back. */
export const NOTHING_TO_ROLL_BACK = 'guarded-deploy: main finished; nothing to roll back.';

/** Whether the post step may have a rollback to do, from the raw saved stage and whether a
 * plan was saved at all: read before anything else loads, since the post step runs after
 * every job and almost always has nothing to do. */
export function postStepMayRollBack(stage: string | undefined, planSaved: boolean): boolean {
  return stage === 'deploying' && planSaved;
}

/** The post step rolls back only when main stopped while the platform may have changed
 * (`deploying`) and left a plan; a plan it cannot read is a failure, never a silent skip. */
export function decidePostStep(
  stage: Stage | undefined,
  plan: RestorePlan | 'unreadable' | undefined,
): PostStep {
  if (plan === undefined || !postStepMayRollBack(stage, true)) return { kind: 'nothing' };
  if (plan === 'unreadable') return { kind: 'unreadable' };
  return { kind: 'rollback', plan };
}

export interface StopFacts {
  /** The first line of what stopped the run. */
  readonly cause: string;
  /** The job was cancelled: the post step takes over. */
  readonly cancelled: boolean;
  /** The live release was read, so the platform may have been touched after it. */
  readonly snapshotTaken: boolean;
  /** What the flow already said about the app, if anything. */
  readonly appState: string | undefined;
}

/** How a run that threw reports itself: the cause, and the app's state when it is known. */
export function describeStop(facts: StopFacts): {
  readonly cause: string;
  readonly appState: string | undefined;
} {
  if (facts.cancelled) {
    return {
      cause: `${facts.cause}; the post step rolls back whatever was not verified`,
      appState: 'unverified: the post step rolls back',
    };
  }
  return {
    cause: facts.cause,
    appState: facts.appState ?? (facts.snapshotTaken ? undefined : 'nothing was changed'),
  };
}
