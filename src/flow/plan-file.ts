// The restore plan kept in a file under RUNNER_TEMP, the saved state holding only its path and
// checksum: the post step receives saved state through an environment variable, and Linux
// refuses one string over 128 KiB (MAX_ARG_STRLEN), which a Fly app's machine configs pass at
// about 50 to 90 machines.
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** What the saved state holds instead of the plan. */
export interface PlanFileRef {
  readonly file: string;
  readonly sha256: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Writes `text` to a file only this user can read (0600) in `dir`; where and its checksum. */
export function writePlanFile(text: string, dir: string, name: string): PlanFileRef {
  const file = path.join(dir, `guarded-deploy-restore-plan-${name}.json`);
  writeFileSync(file, text, { encoding: 'utf8', mode: 0o600 });
  // The mode applies only when the file is created: set it on a rewrite too.
  chmodSync(file, 0o600);
  return { file, sha256: sha256(text) };
}

/** The reference, when `stateValue` is one. */
export function parsePlanFileRef(stateValue: string): PlanFileRef | undefined {
  try {
    const value: unknown = JSON.parse(stateValue);
    if (typeof value !== 'object' || value === null) return undefined;
    const { file, sha256: sum } = value as Record<string, unknown>;
    return typeof file === 'string' && typeof sum === 'string' ? { file, sha256: sum } : undefined;
  } catch {
    return undefined;
  }
}

/** The plan text, or undefined when the file is gone or not what was written. */
export function readPlanFile(ref: PlanFileRef): string | undefined {
  let text: string;
  try {
    text = readFileSync(ref.file, 'utf8');
  } catch {
    return undefined;
  }
  return sha256(text) === ref.sha256 ? text : undefined;
}
