// What to do after something went wrong: a pure decision over what is known, tested by table.
import type { ResultValue } from '../settings/names.js';

export interface FailureFacts {
  /** The push was started: the platform may have changed. */
  readonly pushStarted: boolean;
  /** Whether the platform still serves the release recorded before the push
   * (undefined: it could not be read). */
  readonly previousIsLive: boolean | undefined;
  readonly rollbackEnabled: boolean;
}

export type NextStep =
  | { readonly kind: 'rollback' }
  | { readonly kind: 'stop'; readonly result: ResultValue; readonly appState: string };

/** After a failure: roll back whenever the app may not be on the release it had before. */
export function decideAfterFailure(facts: FailureFacts): NextStep {
  if (!facts.pushStarted || facts.previousIsLive === true) {
    return {
      kind: 'stop',
      result: 'failed',
      appState: 'the release that was live before is still live; nothing changed',
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
    };
  }
  return { kind: 'rollback' };
}
