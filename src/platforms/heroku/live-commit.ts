// Which commit the live Heroku release runs: the `source_blob.version` of the build that made
// its slug (Platform API, build: "version of the gzipped tarball", set by the action to the
// commit SHA). A rollback's release reuses an older slug, so the slug decides, not the id.
import type { Release } from '../platform.js';

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** The commit of the succeeded build that released `live` or built its slug; undefined when
 * none of `builds` did (a release made another way, or a build older than the list). */
export function commitOfRelease(builds: readonly unknown[], live: Release): string | undefined {
  for (const build of builds) {
    if (field(build, 'status') !== 'succeeded') continue;
    const released = field(field(build, 'release'), 'id') === live.id;
    const slug = field(field(build, 'slug'), 'id');
    const sameSlug = live.content !== undefined && slug === live.content;
    const version = field(field(build, 'source_blob'), 'version');
    if ((released || sameSlug) && typeof version === 'string' && version !== '') return version;
  }
  return undefined;
}
