// What main leaves for the post step (core.saveState): enough to finish a rollback that a
// cancellation cut short. Written before each step that touches the platform.
import * as core from '@actions/core';
import { State } from '../settings/names.js';
import type { Release, RestorePlan } from '../platforms/platform.js';
import { parseRestorePlan, parseSavedRelease } from '../platforms/restore-plan.js';
import { parsePlanFileRef, readPlanFile, writePlanFile } from './plan-file.js';

/**
 * Where main was. `deploying`: the platform may have changed and nothing is verified yet —
 * the post step must roll back. `settled`: main finished (healthy, or rolled back and
 * verified, or knowingly left as is) — the post step does nothing.
 */
export type Stage = 'deploying' | 'settled';

export interface SavedState {
  readonly stage: Stage | undefined;
  /** What the post step restores; undefined when none was saved. */
  readonly plan: RestorePlan | 'unreadable' | undefined;
  readonly release: Release | undefined;
}

export function saveStage(stage: Stage): void {
  core.saveState(State.Stage, stage);
}

/** The restore plan as a value, under the `target` key (the plan carries its target); in a
 * file under RUNNER_TEMP when the runner has one, the state holding its path and checksum. */
export function savePlan(plan: RestorePlan, env: NodeJS.ProcessEnv = process.env): void {
  const text = JSON.stringify(plan);
  const dir = env.RUNNER_TEMP;
  const saved = dir ? JSON.stringify(writePlanFile(text, dir, String(process.pid))) : text;
  core.saveState(State.Target, saved);
}

/** The plan text main saved: from its file when the state names one. */
function planText(saved: string): string | undefined {
  const ref = parsePlanFileRef(saved);
  return ref === undefined ? saved : readPlanFile(ref);
}

export function saveRelease(release: Release): void {
  core.saveState(State.Release, JSON.stringify(release));
}

function parseRelease(text: string): Release | undefined {
  if (text === '') return undefined;
  try {
    return parseSavedRelease(JSON.parse(text));
  } catch {
    return undefined;
  }
}

export function loadState(): SavedState {
  const stage = core.getState(State.Stage);
  const plan = core.getState(State.Target);
  return {
    stage: stage === 'deploying' || stage === 'settled' ? stage : undefined,
    plan: plan === '' ? undefined : (parseRestorePlan(planText(plan) ?? '') ?? 'unreadable'),
    release: parseRelease(core.getState(State.Release)),
  };
}
