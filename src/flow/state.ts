// What main leaves for the post step (core.saveState): enough to finish a rollback that a
// cancellation cut short. Written before each step that touches the platform.
import * as core from '@actions/core';
import { State } from '../settings/names.js';
import type { Release } from '../platforms/platform.js';

/**
 * Where main was. `deploying`: the platform may have changed and nothing is verified yet —
 * the post step must roll back. `settled`: main finished (healthy, or rolled back and
 * verified, or knowingly left as is) — the post step does nothing.
 */
export type Stage = 'deploying' | 'settled';

export interface SavedState {
  readonly stage: Stage | undefined;
  readonly target: Release | undefined;
  readonly release: Release | undefined;
  readonly saved: string | undefined;
}

export function saveStage(stage: Stage): void {
  core.saveState(State.Stage, stage);
}

export function saveTarget(target: Release, saved: string | undefined): void {
  core.saveState(State.Target, JSON.stringify(target));
  if (saved !== undefined) core.saveState(State.Saved, saved);
}

export function saveRelease(release: Release): void {
  core.saveState(State.Release, JSON.stringify(release));
}

function parseRelease(text: string): Release | undefined {
  if (text === '') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { id, label, content } = value as { id?: unknown; label?: unknown; content?: unknown };
    if (typeof id !== 'string' || typeof label !== 'string') return undefined;
    return typeof content === 'string' ? { id, label, content } : { id, label };
  } catch {
    return undefined;
  }
}

export function loadState(): SavedState {
  const stage = core.getState(State.Stage);
  const saved = core.getState(State.Saved);
  return {
    stage: stage === 'deploying' || stage === 'settled' ? stage : undefined,
    target: parseRelease(core.getState(State.Target)),
    release: parseRelease(core.getState(State.Release)),
    saved: saved === '' ? undefined : saved,
  };
}
