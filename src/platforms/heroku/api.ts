// The Heroku Platform API calls the adapter makes, each one validated, over one client.
import type { App, AppFeature, Build, Source } from '@heroku-cli/schema';
import { HttpError } from '../../io/errors.js';
import type { HttpClient, JsonResponse } from '../../io/http.js';
import { callWithTokenHints, withAppNotFound } from '../kit/api-client.js';
import type { ApiCall } from '../kit/api-client.js';
import { parseBuild, parseRelease, requireObject } from './parse.js';
import { pacedCall } from './rate-limit.js';
import type { BuildState, ReleaseState } from './parse.js';

const releasesRange = 'version ..; max=10, order=desc';
const maxReleasePages = 10;

export class HerokuApi {
  private readonly call: ApiCall;
  private readonly appPath: string;

  constructor(
    readonly client: HttpClient,
    readonly app: string,
    sleep: (ms: number) => Promise<void>,
  ) {
    this.appPath = `/apps/${encodeURIComponent(app)}`;
    const call = callWithTokenHints(client, {
      refused: 'The Heroku API refused the token: check the `api-token` secret',
      forbidden: `The token has no access to this on ${app}: check the \`api-token\` secret`,
    });
    this.call = pacedCall(call, sleep);
  }

  /** The app; a 404 says to check the `app` input. */
  async getApp(): Promise<App> {
    try {
      return requireObject<App>((await this.call('GET', this.appPath)).body, 'app');
    } catch (error) {
      throw withAppNotFound(
        error,
        `Heroku app '${this.app}' not found: check the \`app\` input ` +
          '(this action never creates apps).',
      );
    }
  }

  async prebootEnabled(): Promise<boolean> {
    try {
      const response = await this.call('GET', `${this.appPath}/features/preboot`);
      return requireObject<AppFeature>(response.body, 'app feature').enabled === true;
    } catch (error) {
      // An app without the feature listed simply has no preboot.
      if (error instanceof HttpError && error.status === 404) return false;
      throw error;
    }
  }

  /** The release marked `current`, newest first, following Next-Range for a few pages. */
  async currentRelease(): Promise<ReleaseState> {
    const seen = await this.walkReleases((list) => list.some((release) => release.current));
    const current = seen.find((release) => release.current);
    if (current) return current;
    throw new Error(this.noCurrentRelease(seen.length));
  }

  noCurrentRelease(seen: number): string {
    return `Heroku lists no current release for ${this.app} among its ${seen} latest`;
  }

  /** Releases newest first (`version ..; order=desc`), following Next-Range on a 206 until
   * `enough` or the last page, at most `maxReleasePages` pages. */
  async walkReleases(enough: (seen: readonly ReleaseState[]) => boolean): Promise<ReleaseState[]> {
    const seen: ReleaseState[] = [];
    let range = releasesRange;
    for (let page = 0; page < maxReleasePages; page += 1) {
      const response = await this.call('GET', `${this.appPath}/releases`, {
        headers: { range },
      });
      if (!Array.isArray(response.body)) {
        throw new Error(`Heroku API answered GET ${this.appPath}/releases without a list`);
      }
      seen.push(...response.body.map((item) => parseRelease(item)));
      if (enough(seen)) break;
      const next = response.headers['next-range'];
      if (response.status !== 206 || next === undefined || next === '') break;
      range = next;
    }
    return seen;
  }

  /** A release by id or version number. */
  async release(ref: string): Promise<ReleaseState> {
    const response = await this.call('GET', `${this.appPath}/releases/${encodeURIComponent(ref)}`);
    return parseRelease(response.body);
  }

  async build(id: string): Promise<BuildState> {
    const response = await this.call('GET', `${this.appPath}/builds/${encodeURIComponent(id)}`);
    return parseBuild(response.body);
  }

  /** A pending build among the latest, or a latest release still in its release phase. */
  async somethingInFlight(): Promise<boolean> {
    const path = `${this.appPath}/builds`;
    const builds = await this.list(path, 'created_at ..; max=10, order=desc', parseBuild);
    if (builds.some((build) => build.status === 'pending')) return true;
    const releasesPath = `${this.appPath}/releases`;
    const latest = await this.list(releasesPath, 'version ..; max=1, order=desc', parseRelease);
    return latest[0]?.status === 'pending';
  }

  /** Builds pending among the latest and a latest release still pending (its release phase),
   * each named with who started it: another deploy in flight (schema: build and release
   * `status` `pending`, `user.email`). */
  async pendingDeploys(): Promise<string[]> {
    const builds = await this.list(
      `${this.appPath}/builds`,
      'created_at ..; max=10, order=desc',
      (item) => ({ build: parseBuild(item), by: startedBy(item), at: createdAt(item) }),
    );
    const pending = builds
      .filter((entry) => entry.build.status === 'pending')
      .map((entry) => `build ${entry.build.id} by ${entry.by}${entry.at} is pending`);
    const releases = await this.list(
      `${this.appPath}/releases`,
      'version ..; max=1, order=desc',
      (item) => ({ release: parseRelease(item), by: startedBy(item), at: createdAt(item) }),
    );
    const latest = releases[0];
    if (latest?.release.status === 'pending') {
      pending.push(
        `release v${latest.release.version} by ${latest.by}${latest.at} is pending ` +
          '(its release phase runs)',
      );
    }
    return pending;
  }

  /** The build made from `sourceUrl`, among the latest: every `POST /sources` gives a new URL,
   * so it names one build (schema: build `source_blob.url`). */
  async buildOfSource(sourceUrl: string): Promise<BuildState | undefined> {
    const builds = await this.list(
      `${this.appPath}/builds`,
      'created_at ..; max=10, order=desc',
      (item) => ({ item, url: requireObject<Build>(item, 'build').source_blob?.url }),
    );
    const found = builds.find((build) => build.url === sourceUrl);
    return found === undefined ? undefined : parseBuild(found.item);
  }

  /** The latest builds, newest first, as the API gives them (see `commitOfRelease`). */
  async recentBuilds(): Promise<unknown[]> {
    return this.list(`${this.appPath}/builds`, 'created_at ..; max=20, order=desc', (item) => item);
  }

  async dynos(): Promise<unknown> {
    return (await this.call('GET', `${this.appPath}/dynos`)).body;
  }

  /** `POST /sources`: where to upload the archive and where the build fetches it. */
  async createSource(): Promise<{ putUrl: string; getUrl: string }> {
    const source = requireObject<Source>((await this.call('POST', '/sources')).body, 'source');
    const putUrl = source.source_blob?.put_url;
    const getUrl = source.source_blob?.get_url;
    if (typeof putUrl !== 'string' || typeof getUrl !== 'string') {
      throw new Error('Heroku API answered POST /sources without source_blob put/get URLs');
    }
    return { putUrl, getUrl };
  }

  async createBuild(sourceBlob: {
    url: string;
    checksum: string;
    version: string;
  }): Promise<BuildState> {
    const response = await this.call('POST', `${this.appPath}/builds`, {
      body: { source_blob: sourceBlob },
    });
    return parseBuild(response.body);
  }

  /** The "Rollback" link: a new release with the code and config of `releaseId`. */
  async createRollback(releaseId: string): Promise<ReleaseState> {
    const response = await this.call('POST', `${this.appPath}/releases`, {
      body: { release: releaseId },
    });
    return parseRelease(response.body);
  }

  /** A release of `slugId` (the schema's release "Create" link; the slug may come from
   * another app of the account). */
  async createSlugRelease(slugId: string, description: string): Promise<ReleaseState> {
    const response = await this.call('POST', `${this.appPath}/releases`, {
      body: { slug: slugId, description },
    });
    return parseRelease(response.body);
  }

  /** `slug.id` of a release; undefined when it runs none (Fir: an OCI image). */
  async releaseSlug(ref: string): Promise<string | undefined> {
    const response = await this.call('GET', `${this.appPath}/releases/${encodeURIComponent(ref)}`);
    const slug: unknown = requireObject<{ slug?: unknown }>(response.body, 'release').slug;
    const id = typeof slug === 'object' && slug !== null ? (slug as { id?: unknown }).id : '';
    return typeof id === 'string' && id !== '' ? id : undefined;
  }

  private async list<T>(path: string, range: string, parse: (item: unknown) => T): Promise<T[]> {
    const response: JsonResponse = await this.call('GET', path, { headers: { range } });
    return Array.isArray(response.body) ? response.body.map((item) => parse(item)) : [];
  }
}

/** `user.email` of a build or release (schema: the user who started it), else `someone`. */
function startedBy(item: unknown): string {
  const user: unknown = requireObject<{ user?: unknown }>(item, 'build or release').user;
  const email =
    typeof user === 'object' && user !== null ? (user as { email?: unknown }).email : '';
  return typeof email === 'string' && email !== '' ? email : 'someone';
}

/** ` (created <time>)` when the API says. */
function createdAt(item: unknown): string {
  const created = requireObject<{ created_at?: unknown }>(item, 'build or release').created_at;
  return typeof created === 'string' && created !== '' ? ` (created ${created})` : '';
}
