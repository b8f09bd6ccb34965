// Readings of a Heroku release that must not fail on what the action does not need: any
// status (the schema lists `failed`, `pending`, `succeeded`, `expired`; more may come), what
// the release runs (a slug, or on Fir-generation apps an OCI image among `artifacts`), and
// whether the API offers it for rollback.
import type { Release as HerokuRelease } from '@heroku-cli/schema';

/** A status the action acts on, or `other` (e.g. `expired`) which it only reports. */
export type ReleaseStatus = 'pending' | 'succeeded' | 'failed' | 'expired' | 'other';

const known: readonly string[] = ['pending', 'succeeded', 'failed', 'expired'];

/** undefined when the answer has no status (older API versions); never throws. */
export function readStatus(value: unknown): ReleaseStatus | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' && known.includes(value) ? (value as ReleaseStatus) : 'other';
}

/** The slug id, else the first artifact's id (Fir: `{type: "oci-image", id}`). A rollback
 * re-releases the same content, so this is how a restored release is recognised. */
export function readContent(release: HerokuRelease): string | undefined {
  const slugId: unknown = release.slug?.id;
  if (typeof slugId === 'string' && slugId !== '') return slugId;
  const artifacts: unknown = (release as { artifacts?: unknown }).artifacts;
  if (!Array.isArray(artifacts)) return undefined;
  for (const artifact of artifacts as unknown[]) {
    if (typeof artifact !== 'object' || artifact === null) continue;
    const { id } = artifact as { id?: unknown };
    if (typeof id === 'string' && id !== '') return id;
  }
  return undefined;
}

/** `eligible_for_rollback` when the API sends it (it came with Fir; heroku/cli PR #3081). */
export function readEligible(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}
