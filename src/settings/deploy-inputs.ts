// The inputs that shape how a deploy meets the platform: `lock-wait` (another deploy in
// flight) and `artifact` (deploy exactly what an earlier run verified, no build).
import { Input, type ModeName, type PlatformName } from './names.js';
import type { InputReader } from './reader.js';

/** Longest wait for another deploy: a job has six hours in all. */
const MAX_LOCK_WAIT_S = 6 * 3600;

/** A Heroku slug id: the schema's `slug/definitions/id`, a UUID. */
const SLUG_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** An image reference pinned by digest: `registry/repo[:tag]@sha256:<64 hex>`. */
const PINNED_IMAGE = /^[a-z0-9][A-Za-z0-9._\-/:]{0,200}@sha256:[0-9a-f]{64}$/;

/** `lock-wait` in whole seconds, as milliseconds; empty means 0 (refuse at once). */
export function parseLockWait(value: string): number | string {
  if (value === '') return 0;
  if (!/^\d{1,9}$/.test(value)) return 'is not a whole number of seconds like 0 or 300';
  const seconds = Number(value);
  if (seconds > MAX_LOCK_WAIT_S) return `must be at most ${MAX_LOCK_WAIT_S} (six hours)`;
  return seconds * 1000;
}

/** What `artifact` must look like on `platform`, or a problem naming what is allowed. */
export function artifactProblem(platform: PlatformName, value: string): string | undefined {
  if (platform === 'heroku') {
    return SLUG_ID.test(value)
      ? undefined
      : 'is not a Heroku slug id (a UUID, the `artifact` output of a Heroku deploy)';
  }
  return PINNED_IMAGE.test(value)
    ? undefined
    : 'is not a Fly image pinned by digest like registry.fly.io/app:tag@sha256:<64 hex> ' +
        '(the `artifact` output of a Fly deploy)';
}

/** `artifact`: only for `mode: deploy`, never beside `image` (Fly). */
export function readArtifact(
  reader: InputReader,
  platform: PlatformName,
  mode: ModeName,
): string | undefined {
  const value = reader.raw(Input.Artifact);
  if (value === '') return undefined;
  const problem =
    mode === 'deploy'
      ? artifactProblem(platform, value)
      : `only applies to mode: deploy (mode is ${mode})`;
  if (problem !== undefined) {
    reader.fail(Input.Artifact, value, problem);
    return undefined;
  }
  if (platform === 'fly' && reader.raw(Input.Image) !== '') {
    reader.fail(Input.Artifact, value, 'and `image` are both set; pass one of them');
  }
  return value;
}
