// The start of a Heroku build: archive the commit, upload it, create the build; after a
// create whose answer was lost, the build found by its upload, or the create once more.
import { createSourceArchive } from '../../io/archive.js';
import { DeployError, errorMessage } from '../../io/errors.js';
import type { LogLine } from '../platform.js';
import { platformMayHaveActed } from '../kit/outcome.js';
import type { HerokuApi } from './api.js';
import { formatBytes } from './parse.js';
import type { BuildState } from './parse.js';

/** Between the two reads of the builds after a create got no clear answer: time for a
 * create the API was still handling to show in the list. */
export const BUILD_LOOKUP_PAUSE_MS = 2_000;

export interface BuildSource {
  readonly sourceDir: string;
  readonly commit: string;
  readonly tempDir: string;
  readonly log: LogLine;
}

/** Archive, upload, create the build. Failures here leave the live release as it was,
 * except when creating the build itself had an unknown outcome. */
export async function startBuild(
  api: HerokuApi,
  sleep: (ms: number) => Promise<void>,
  source: BuildSource,
): Promise<BuildState> {
  const { commit, log } = source;
  const short = commit.slice(0, 12);
  let sha256: string;
  let getUrl: string;
  try {
    const archive = await createSourceArchive(source.sourceDir, commit, source.tempDir);
    sha256 = archive.sha256;
    log(`Packed ${short}: ${formatBytes(archive.sizeBytes)}, sha256 ${archive.sha256}`);
    const uploaded = await api.createSource();
    getUrl = uploaded.getUrl;
    await api.client.putFile(uploaded.putUrl, archive.path);
    log('Uploaded the source');
  } catch (error) {
    throw new DeployError(`Could not ship ${short} to Heroku: ${errorMessage(error)}`, false);
  }
  const create = (): Promise<BuildState> =>
    api.createBuild({ url: getUrl, checksum: `SHA256:${sha256}`, version: commit });
  try {
    const build = await create();
    log(`Build ${build.id} started`);
    return build;
  } catch (error) {
    if (!platformMayHaveActed(error)) throw notStarted(short, error, false);
    log(`Starting the build got no clear answer (${errorMessage(error)}); looking for it`);
    return recoverBuild(api, sleep, getUrl, create, short, log);
  }
}

/** The build made from this upload if Heroku made one (read twice, a moment apart), else the
 * create once more: read before repeating, so one upload never makes two builds. Each
 * `POST /sources` gives a new URL (schema: source `source_blob.get_url`), so it names one
 * build; Heroku makes a new build for every `POST /builds` (no idempotency key). */
async function recoverBuild(
  api: HerokuApi,
  sleep: (ms: number) => Promise<void>,
  sourceUrl: string,
  create: () => Promise<BuildState>,
  short: string,
  log: LogLine,
): Promise<BuildState> {
  try {
    for (const pauseMs of [0, BUILD_LOOKUP_PAUSE_MS]) {
      if (pauseMs > 0) await sleep(pauseMs);
      const found = await api.buildOfSource(sourceUrl);
      if (found !== undefined) {
        log(`Build ${found.id} started (found by its upload)`);
        return found;
      }
    }
  } catch (error) {
    throw notStarted(short, error, true);
  }
  try {
    const build = await create();
    log(`No build of this upload was made; build ${build.id} started on a second request`);
    return build;
  } catch (error) {
    throw notStarted(short, error, platformMayHaveActed(error));
  }
}

function notStarted(short: string, error: unknown, mayHaveActed: boolean): DeployError {
  return new DeployError(
    `Could not start the Heroku build of ${short}: ${errorMessage(error)}`,
    mayHaveActed,
  );
}
