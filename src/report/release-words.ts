// Releases in the words a person checks them by: on Fly what the machines run (image tag and
// digest), since a Fly rollback makes no new release; on Heroku the release number.
import type { Release } from '../platforms/platform.js';

const DIGEST_CHARS = 12;

/** `registry.fly.io/app:tag@sha256:abc…` as `tag@sha256:abc123456789`. */
export function shortImage(ref: string): string {
  const [name = '', digest] = ref.split('@');
  const last = name.split('/').pop() ?? name;
  const colon = last.lastIndexOf(':');
  const tag = colon > 0 ? last.slice(colon + 1) : last;
  const hex = digest?.replace(/^sha256:/, '').slice(0, DIGEST_CHARS);
  return hex === undefined ? tag : `${tag}@sha256:${hex}`;
}

/** What a Fly release runs, as the machines' table shows it: tag and digest. */
export function releaseImage(release: Release): string {
  return release.image ?? shortImage(release.id);
}

/** A release as a summary or a cause names it. */
export function describeRelease(platform: string, release: Release): string {
  if (platform !== 'fly' || release.id.startsWith('mixed:') || !release.id.includes(':')) {
    return release.label;
  }
  return `${release.label} (${releaseImage(release)})`;
}

/** What a verified rollback did, for the cause and (with the release made) the app's state. */
export function rolledBackWords(platform: string, target: Release, restored?: Release): string {
  if (platform === 'fly') return `every machine is back on ${describeRelease(platform, target)}`;
  return restored === undefined || restored.id === target.id
    ? `rolled back to ${target.label}`
    : `rolled back to ${target.label} (as ${restored.label})`;
}

/** One rollback attempt for the timeline. */
export function rollbackAttemptWords(platform: string, target: Release, restored: Release): string {
  if (platform === 'fly') return `machines back on ${describeRelease(platform, target)}`;
  return restored.id === target.id
    ? `${target.label} is live again`
    : `${restored.label} restores ${target.label}`;
}
