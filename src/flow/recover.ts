// Rollback to a known release and verify it, retried within a budget: the one path every
// failure takes (deploy mode, manual rollback, the post step after a cancellation).
import * as core from '@actions/core';
import { withUntrustedEcho } from '../io/untrusted-output.js';
import { Cancelled, errorMessage, firstLine } from '../io/errors.js';
import type { PlatformName } from '../settings/names.js';
import { type Release, type RestorePlan, sameRelease } from '../platforms/platform.js';
import { phase, type RunRecord } from './run-record.js';
import { verifyRelease, type VerifyContext } from '../verify/verify-release.js';

export interface RecoverDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const ROLLBACK_ATTEMPTS = 3;
const RETRY_DELAY_MS = 2_000;

export type RecoverOutcome =
  | { readonly ok: true; readonly restored: Release }
  | { readonly ok: false; readonly error: string };

/**
 * Makes `plan.target` live again and verifies it, retried up to ROLLBACK_ATTEMPTS. Each attempt
 * reads what is live first: the rollback write is never sent when the target is live. An
 * unhealthy restored release is not retried: the same release would be just as unhealthy.
 */
export async function rollbackAndVerify(
  context: VerifyContext,
  plan: RestorePlan,
  record: RunRecord,
  deps: RecoverDeps,
): Promise<RecoverOutcome> {
  const { platform } = context;
  const { target } = plan;
  let lastError = 'no attempt was made';
  for (let attempt = 1; attempt <= ROLLBACK_ATTEMPTS; attempt += 1) {
    let restored: Release;
    try {
      restored = await phase(record, 'rollback', deps.now, async (done) => {
        // Read before writing: an earlier attempt, or a cancelled main, may have done it.
        const live = await platform.liveRelease();
        if (sameRelease(live, target)) {
          done('ok', `attempt ${attempt}: ${target.label} was live already`);
          return live;
        }
        const release = await core.group(`Rollback to ${target.label}`, () =>
          withUntrustedEcho((log) => platform.rollback(plan, log)),
        );
        done('ok', `attempt ${attempt}: ${release.label} restores ${target.label}`);
        return release;
      });
    } catch (error) {
      lastError = firstLine(errorMessage(error));
      core.warning(`Rollback attempt ${attempt} of ${ROLLBACK_ATTEMPTS} failed: ${lastError}`, {
        title: 'Rollback attempt failed',
      });
      if (context.signal.aborted) {
        throw new Cancelled('The job was cancelled during the rollback');
      }
      if (attempt < ROLLBACK_ATTEMPTS) await deps.sleep(RETRY_DELAY_MS * attempt);
      continue;
    }
    record.rollbackRelease = restored;
    // A cancelled job hands the verification to the post step rather than judge it aborted.
    if (context.signal.aborted) throw new Cancelled('The job was cancelled during the rollback');
    const verdict = await phase(record, 'verify rollback', deps.now, async (done) => {
      const result = await verifyRelease(context, restored, false);
      record.rollbackHealth = result.health;
      record.rollbackInstances = result.instances;
      done(result.healthy ? 'ok' : 'failed', result.reason);
      return result;
    });
    if (verdict.healthy) return { ok: true, restored };
    return {
      ok: false,
      error: `the restored release ${restored.label} is unhealthy: ${verdict.reason}`,
    };
  }
  return { ok: false, error: lastError };
}

/** Writes the outcome of a rollback into the record, in capitals when it failed. */
export function reportRollback(
  record: RunRecord,
  context: VerifyContext,
  target: Release,
  outcome: RecoverOutcome,
  cause: string,
): void {
  if (outcome.ok) {
    record.rolledBack = true;
    record.appState =
      `rolled back to ${target.label}` +
      (outcome.restored.id === target.id ? '' : ` (as ${outcome.restored.label})`) +
      ', verified healthy';
    record.cause = `${cause}; rolled back to ${target.label}, verified healthy`;
    return;
  }
  const { settings } = context;
  record.result = 'failed';
  record.recovery = recoveryCommand(settings.platform, settings.app, target);
  record.appState = 'THE APP MAY BE DOWN';
  record.cause =
    `${cause}; ROLLBACK TO ${target.label} FAILED: ${outcome.error}. ` +
    `THE APP MAY BE DOWN. Recover by hand: ${record.recovery}`;
}

// The exact command a person runs to put the app back by hand when the action could not.
export function recoveryCommand(platform: PlatformName, app: string, target: Release): string {
  switch (platform) {
    case 'heroku':
      return `heroku releases:rollback ${target.label} --app ${app}`;
    case 'fly':
      return `fly deploy --app ${app} --image ${target.id}`;
  }
}
