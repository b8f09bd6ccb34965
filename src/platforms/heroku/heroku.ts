// Heroku through its Platform API only (no CLI, no git push): sources → build → release phase,
// reading the current release, and rollback by re-releasing an earlier release.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { debug as coreDebug } from '@actions/core';
import type {
  App,
  AppFeature,
  Build,
  Dyno,
  Release as HerokuRelease,
  Source,
} from '@heroku-cli/schema';
import type { Dispatcher } from 'undici';
import { createSourceArchive } from '../../io/archive.js';
import type { SourceArchive } from '../../io/archive.js';
import { DeployError, HttpError, errorMessage, withTokenHint } from '../../io/errors.js';
import { HttpClient } from '../../io/http.js';
import type { JsonRequestOptions, JsonResponse } from '../../io/http.js';
import type {
  InstanceReport,
  InstanceState,
  LogLine,
  Platform,
  PlatformSettings,
  Release,
  Snapshot,
} from '../platform.js';
import { defaultRetryPolicy } from '../../io/retry.js';
import { prebootNotice, prebootWindowMs, defaultPrebootWindowMs } from './preboot.js';
import { readContent, readEligible, readStatus } from './release-fields.js';
import type { ReleaseStatus } from './release-fields.js';
import { pickRollbackTarget, skipReason } from './rollback-target.js';
import type { RetryPolicy } from '../../io/retry.js';

export interface HerokuDeps {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** undici dispatcher (tests: MockAgent); undefined: a keep-alive Agent of our own. */
  readonly dispatcher: Dispatcher | undefined;
  /** Waits between status polls; they grow and the last one repeats. */
  readonly pollIntervalsMs: readonly number[];
  /** Hard cap on status reads of one build or release, whatever the clock says. */
  readonly maxPolls: number;
  readonly buildTimeoutMs: number;
  /** Heroku gives the release phase up to an hour. */
  readonly releaseTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly random: () => number;
  readonly debug: (line: string) => void;
  /** Where the source archive is written; default RUNNER_TEMP, else the OS temp dir. */
  readonly tempRoot: string | undefined;
  /** How long the old release may answer after a release when preboot is on. */
  readonly prebootWindowMs: number;
}

const releasesRange = 'version ..; max=10, order=desc';
const maxReleasePages = 10;
const outputTailLines = 20;

export const defaultHerokuDeps: HerokuDeps = {
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
  now: Date.now,
  dispatcher: undefined,
  pollIntervalsMs: [500, 1_000, 2_000, 3_000, 5_000],
  maxPolls: 2_000,
  buildTimeoutMs: 30 * 60_000,
  releaseTimeoutMs: 65 * 60_000,
  retry: defaultRetryPolicy,
  random: Math.random,
  debug: coreDebug,
  tempRoot: undefined,
  prebootWindowMs: defaultPrebootWindowMs,
};

export function createHerokuPlatform(
  settings: PlatformSettings,
  deps: Partial<HerokuDeps> = {},
): HerokuPlatform {
  const fromEnv = { prebootWindowMs: prebootWindowMs(process.env) };
  return new HerokuPlatform(settings, { ...defaultHerokuDeps, ...fromEnv, ...deps });
}

/** The fields of a Heroku release this action relies on, validated. */
interface ReleaseState {
  readonly id: string;
  readonly version: number;
  readonly status: ReleaseStatus | undefined;
  readonly current: boolean;
  readonly outputStreamUrl: string | undefined;
  /** Slug id, or the image of a Fir-generation release. */
  readonly content: string | undefined;
  readonly eligibleForRollback: boolean | undefined;
}

interface BuildState {
  readonly id: string;
  readonly status: 'pending' | 'succeeded' | 'failed';
  readonly releaseId: string | undefined;
  readonly outputStreamUrl: string | undefined;
}

export class HerokuPlatform implements Platform {
  private readonly client: HttpClient;
  private readonly appPath: string;

  constructor(
    private readonly settings: PlatformSettings,
    private readonly deps: HerokuDeps,
  ) {
    this.appPath = `/apps/${encodeURIComponent(settings.app)}`;
    this.client = new HttpClient({
      baseUrl: settings.apiUrl,
      service: 'Heroku API',
      userAgent: settings.userAgent,
      apiHeaders: {
        accept: 'application/vnd.heroku+json; version=3',
        authorization: `Bearer ${settings.apiToken}`,
      },
      ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
      retry: deps.retry,
      sleep: deps.sleep,
      now: deps.now,
      random: deps.random,
      debug: (line) => deps.debug(`heroku: ${line}`),
    });
  }

  async snapshot(): Promise<Snapshot> {
    let app: App;
    try {
      app = requireObject<App>((await this.api('GET', this.appPath)).body, 'app');
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) {
        throw new HttpError(
          error.method,
          error.url,
          error.status,
          error.errorId,
          `Heroku app '${this.settings.app}' not found: check the \`app\` input ` +
            `(this action never creates apps). ${error.message}`,
        );
      }
      throw error;
    }
    const notices: string[] = [];
    const webUrl = typeof app.web_url === 'string' ? app.web_url : '';
    if (webUrl === '') {
      notices.push(`Heroku reports no web URL for ${this.settings.app}: set \`health-url\`.`);
    }
    const preboot = await this.prebootEnabled();
    if (preboot) notices.push(prebootNotice(this.settings.app, this.deps.prebootWindowMs));
    const current = await this.currentRelease();
    return {
      current: toRelease(current),
      webUrl,
      switchoverSeconds: preboot ? this.deps.prebootWindowMs / 1000 : 0,
      notices,
    };
  }

  async liveRelease(): Promise<Release> {
    return toRelease(await this.currentRelease());
  }

  async push(commit: string, log: LogLine): Promise<Release> {
    const short = commit.slice(0, 12);
    const tempDir = await mkdtemp(
      path.join(this.deps.tempRoot ?? process.env.RUNNER_TEMP ?? os.tmpdir(), 'guarded-deploy-'),
    );
    try {
      const build = await this.startBuild(commit, short, tempDir, log);
      try {
        return await this.finishBuild(build, short, log);
      } catch (error) {
        if (error instanceof DeployError) throw error;
        throw new DeployError(
          `Lost track of the Heroku build ${build.id} of ${short}: ${errorMessage(error)}. ` +
            'The live release may have changed.',
          true,
        );
      }
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
  }

  async rollback(target: Release, log: LogLine): Promise<Release> {
    log(`Rolling back ${this.settings.app} to ${target.label} (${target.id})`);
    let created: ReleaseState;
    try {
      const response = await this.api('POST', `${this.appPath}/releases`, {
        body: { release: target.id },
      });
      created = parseRelease(response.body);
    } catch (error) {
      throw new DeployError(
        `Rollback to ${target.label} was not confirmed: ${errorMessage(error)}`,
        outcomeUnknown(error),
      );
    }
    log(`Created v${created.version} (rollback to ${target.label}); waiting for it to go live`);
    const done = await this.waitForRelease(created, log);
    if (done.status === 'failed') {
      throw new DeployError(
        `Rollback to ${target.label} failed: the release phase of v${done.version} failed, ` +
          'so it never went live.',
        false,
      );
    }
    log(`v${done.version} is live (same code and config as ${target.label})`);
    return toRelease(done);
  }

  /** Every web dyno up and on `release`, read from the dynos list until it is or time runs
   * out: a health URL can answer from a dyno of the old release while preboot switches. */
  async inspect(release: Release, timeoutMs: number): Promise<InstanceReport> {
    const started = this.deps.now();
    let report = await this.readDynos(release);
    for (let count = 0; !report.ok && count < this.deps.maxPolls; count += 1) {
      if (this.deps.now() - started >= timeoutMs) break;
      const intervals = this.deps.pollIntervalsMs;
      await this.deps.sleep(intervals[Math.min(count, intervals.length - 1)] ?? 1_000);
      report = await this.readDynos(release);
    }
    return report;
  }

  async resolveTarget(spec: string | undefined): Promise<Release> {
    if (spec !== undefined) {
      const version = /^v?(\d+)$/.exec(spec)?.[1];
      const ref = version ?? spec;
      const response = await this.api('GET', `${this.appPath}/releases/${encodeURIComponent(ref)}`);
      return toRelease(parseRelease(response.body));
    }
    // Newest first with a range the API supports (end-only ranges are not), page by page.
    const older = (list: readonly ReleaseState[], live: ReleaseState): ReleaseState[] =>
      list.filter((release) => release.version < live.version);
    const seen = await this.walkReleases((list) => {
      const live = list.find((release) => release.current);
      return live !== undefined && pickRollbackTarget(older(list, live), live) !== undefined;
    });
    const live = seen.find((release) => release.current);
    if (live === undefined) throw new Error(noCurrentRelease(this.settings.app, seen.length));
    const target = pickRollbackTarget(older(seen, live), live);
    if (target === undefined) {
      const skipped = older(seen, live)
        .slice(0, 5)
        .map((release) => `v${release.version}: ${skipReason(release, live) ?? '?'}`);
      throw new Error(
        `Heroku lists no release before v${live.version} to roll back to among the ` +
          `${seen.length} latest${skipped.length > 0 ? ` (${skipped.join('; ')})` : ''}`,
      );
    }
    return toRelease(target);
  }

  async settle(timeoutMs: number): Promise<void> {
    const started = this.deps.now();
    await this.poll(
      'build or release in flight',
      started,
      timeoutMs,
      () => this.somethingInFlight(),
      (inFlight) => !inFlight,
    );
  }

  /** A pending build among the latest, or a latest release still in its release phase. */
  private async somethingInFlight(): Promise<boolean> {
    const builds = await this.api('GET', `${this.appPath}/builds`, {
      headers: { range: 'created_at ..; max=10, order=desc' },
    });
    const list = Array.isArray(builds.body) ? builds.body.map(parseBuild) : [];
    if (list.some((build) => build.status === 'pending')) return true;
    const releases = await this.api('GET', `${this.appPath}/releases`, {
      headers: { range: 'version ..; max=1, order=desc' },
    });
    const latest = Array.isArray(releases.body) ? releases.body.map(parseRelease)[0] : undefined;
    return latest?.status === 'pending';
  }

  private async readDynos(release: Release): Promise<InstanceReport> {
    const response = await this.api('GET', `${this.appPath}/dynos`);
    const dynos = (Array.isArray(response.body) ? response.body : [])
      .map((item) => requireObject<Dyno>(item, 'dyno'))
      .filter((dyno) => dyno.type === 'web');
    const instances: InstanceState[] = dynos.map((dyno) => {
      const onRelease = dyno.release?.id === release.id;
      return {
        id: dyno.name ?? dyno.id ?? '?',
        region: '-',
        image: `v${String(dyno.release?.version ?? '?')}`,
        state: dyno.state ?? 'unknown',
        checks: '-',
        ok: onRelease && dyno.state === 'up',
      };
    });
    const bad = instances.filter((instance) => !instance.ok);
    if (instances.length === 0) {
      return { ok: false, reason: 'no web dyno is running', instances };
    }
    return {
      ok: bad.length === 0,
      reason:
        bad.length === 0
          ? `${instances.length} web dyno(s) up on ${release.label}`
          : bad.map((dyno) => `${dyno.id} is ${dyno.state} on ${dyno.image}`).join('; '),
      instances,
    };
  }

  /** Closes the keep-alive connections; the action calls it once at the end. */
  close(): Promise<void> {
    return this.client.close();
  }

  /** Archive, upload, create the build. Failures here leave the live release as it was,
   * except when creating the build itself had an unknown outcome. */
  private async startBuild(
    commit: string,
    short: string,
    tempDir: string,
    log: LogLine,
  ): Promise<BuildState> {
    let archive: SourceArchive;
    let getUrl: string;
    try {
      archive = await createSourceArchive(this.settings.sourceDir, commit, tempDir);
      log(`Packed ${short}: ${formatBytes(archive.sizeBytes)}, sha256 ${archive.sha256}`);
      const source = requireObject<Source>((await this.api('POST', '/sources')).body, 'source');
      const putUrl = source.source_blob?.put_url;
      const sourceGetUrl = source.source_blob?.get_url;
      if (typeof putUrl !== 'string' || typeof sourceGetUrl !== 'string') {
        throw new Error('Heroku API answered POST /sources without source_blob put/get URLs');
      }
      getUrl = sourceGetUrl;
      await this.client.putFile(putUrl, archive.path);
      log('Uploaded the source');
    } catch (error) {
      throw new DeployError(`Could not ship ${short} to Heroku: ${errorMessage(error)}`, false);
    }
    try {
      const response = await this.api('POST', `${this.appPath}/builds`, {
        body: {
          source_blob: {
            url: getUrl,
            checksum: `SHA256:${archive.sha256}`,
            version: commit,
          },
        },
      });
      const build = parseBuild(response.body);
      log(`Build ${build.id} started`);
      return build;
    } catch (error) {
      throw new DeployError(
        `Could not start the Heroku build of ${short}: ${errorMessage(error)}`,
        outcomeUnknown(error),
      );
    }
  }

  private async finishBuild(created: BuildState, short: string, log: LogLine): Promise<Release> {
    const buildId = created.id;
    const buildPath = `${this.appPath}/builds/${encodeURIComponent(buildId)}`;
    const started = this.deps.now();
    const tail: string[] = [];
    if (created.outputStreamUrl !== undefined) {
      await this.streamOutput(created.outputStreamUrl, this.deps.buildTimeoutMs, log, tail);
    }
    const build = await this.poll(
      `build ${buildId}`,
      started,
      this.deps.buildTimeoutMs,
      async () => parseBuild((await this.api('GET', buildPath)).body),
      // A succeeded build names its release; wait for that too.
      (state) => state.status === 'failed' || (state.status === 'succeeded' && !!state.releaseId),
    );
    if (build.status === 'failed') {
      const lastOutput = tail.length > 0 ? `\nLast build output:\n${tail.join('\n')}` : '';
      throw new DeployError(
        `Heroku build ${buildId} of ${short} failed; nothing was released.${lastOutput}`,
        false,
      );
    }
    const releaseId = build.releaseId ?? '';
    const release = parseRelease(
      (await this.api('GET', `${this.appPath}/releases/${encodeURIComponent(releaseId)}`)).body,
    );
    log(`Build succeeded: release v${release.version}`);
    const done = await this.waitForRelease(release, log);
    if (done.status === 'failed') {
      throw new DeployError(
        `The release phase of v${done.version} failed: v${done.version} was never deployed ` +
          'and the previous release keeps serving.',
        false,
      );
    }
    log(`v${done.version} is live`);
    return toRelease(done);
  }

  /** Streams the release phase output (when there is one) and polls until it is decided. */
  private async waitForRelease(release: ReleaseState, log: LogLine): Promise<ReleaseState> {
    if (release.status !== 'pending') return release;
    const started = this.deps.now();
    if (release.outputStreamUrl !== undefined) {
      log(`Release phase of v${release.version}:`);
      await this.streamOutput(release.outputStreamUrl, this.deps.releaseTimeoutMs, log, []);
    }
    const releasePath = `${this.appPath}/releases/${encodeURIComponent(release.id)}`;
    const done = await this.poll(
      `release v${release.version}`,
      started,
      this.deps.releaseTimeoutMs,
      async () => parseRelease((await this.api('GET', releasePath)).body),
      (state) => state.status !== 'pending',
      // After streamed output the status is stale: read it again at once.
      release.outputStreamUrl === undefined ? release : undefined,
    );
    if (done.status === 'expired' || done.status === 'other') {
      throw new Error(`Heroku release v${done.version} ended neither succeeded nor failed`);
    }
    return done;
  }

  /** Output lines to `log`, the last ones kept in `tail`; a broken stream is only reported:
   * the status poll that follows decides. */
  private async streamOutput(
    url: string,
    deadlineMs: number,
    log: LogLine,
    tail: string[],
  ): Promise<void> {
    try {
      for await (const line of this.client.streamLines(url, { deadlineMs })) {
        log(line);
        tail.push(line);
        if (tail.length > outputTailLines) tail.shift();
      }
    } catch (error) {
      log(`(output stream ended early: ${errorMessage(error)}; checking the status instead)`);
    }
  }

  /** Reads until `isDone`, waiting the growing intervals in between; `known` is a value
   * just read, so the first read is skipped. Bounded by the deadline and by `maxPolls`. */
  private async poll<T>(
    what: string,
    started: number,
    timeoutMs: number,
    read: () => Promise<T>,
    isDone: (value: T) => boolean,
    known?: T,
  ): Promise<T> {
    const intervals = this.deps.pollIntervalsMs;
    let value = known ?? (await read());
    for (let count = 0; count < this.deps.maxPolls; count += 1) {
      if (isDone(value)) return value;
      if (this.deps.now() - started >= timeoutMs) break;
      await this.deps.sleep(intervals[Math.min(count, intervals.length - 1)] ?? 1_000);
      value = await read();
    }
    throw new Error(`Heroku ${what} was still pending after ${Math.round(timeoutMs / 1000)} s`);
  }

  private async prebootEnabled(): Promise<boolean> {
    try {
      const response = await this.api('GET', `${this.appPath}/features/preboot`);
      return requireObject<AppFeature>(response.body, 'app feature').enabled === true;
    } catch (error) {
      // An app without the feature listed simply has no preboot.
      if (error instanceof HttpError && error.status === 404) return false;
      throw error;
    }
  }

  /** The release marked `current`, newest first, following Next-Range for a few pages. */
  private async currentRelease(): Promise<ReleaseState> {
    const seen = await this.walkReleases((list) => list.some((release) => release.current));
    const current = seen.find((release) => release.current);
    if (current) return current;
    throw new Error(noCurrentRelease(this.settings.app, seen.length));
  }

  /** Releases newest first (`version ..; order=desc`), following Next-Range on a 206 until
   * `enough` or the last page, at most `maxReleasePages` pages. */
  private async walkReleases(
    enough: (seen: readonly ReleaseState[]) => boolean,
  ): Promise<ReleaseState[]> {
    const seen: ReleaseState[] = [];
    let range = releasesRange;
    for (let page = 0; page < maxReleasePages; page += 1) {
      const response = await this.api('GET', `${this.appPath}/releases`, {
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

  /** Every Heroku API call: turns a refused token into a message that says what to fix. */
  private async api(
    method: 'GET' | 'POST',
    apiPath: string,
    options?: JsonRequestOptions,
  ): Promise<JsonResponse> {
    try {
      return await this.client.request(method, apiPath, options);
    } catch (error) {
      throw withTokenHint(error, {
        refused: 'The Heroku API refused the token: check the `api-token` secret',
        forbidden:
          `The token has no access to this on ${this.settings.app}: ` +
          'check the `api-token` secret',
      });
    }
  }
}

/** A POST failed in a way that leaves open whether Heroku acted on it: only a 4xx answer
 * says it did not. A 2xx whose body cannot be read (or parsed) means it did act. */
function outcomeUnknown(error: unknown): boolean {
  return !(error instanceof HttpError && error.status >= 400 && error.status < 500);
}

function toRelease(state: ReleaseState): Release {
  return {
    id: state.id,
    label: `v${state.version}`,
    ...(state.content === undefined ? {} : { content: state.content }),
  };
}

function noCurrentRelease(app: string, seen: number): string {
  return `Heroku lists no current release for ${app} among its ${seen} latest`;
}

function requireObject<T>(value: unknown, what: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`Heroku API answered without a ${what} object`);
  }
  return value as T;
}

const statuses = ['pending', 'succeeded', 'failed'] as const;
type Status = (typeof statuses)[number];

function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && (statuses as readonly string[]).includes(value);
}

function parseRelease(body: unknown): ReleaseState {
  const release = requireObject<HerokuRelease>(body, 'release');
  if (typeof release.id !== 'string' || typeof release.version !== 'number') {
    throw new Error('Heroku API answered with a release without id or version');
  }
  // Any status reads: only the releases the action waits on must end succeeded or failed.
  return {
    id: release.id,
    version: release.version,
    status: readStatus(release.status),
    current: release.current === true,
    content: readContent(release),
    eligibleForRollback: readEligible(release.eligible_for_rollback),
    outputStreamUrl:
      typeof release.output_stream_url === 'string' && release.output_stream_url !== ''
        ? release.output_stream_url
        : undefined,
  };
}

function parseBuild(body: unknown): BuildState {
  const build = requireObject<Build>(body, 'build');
  if (typeof build.id !== 'string' || !isStatus(build.status)) {
    throw new Error('Heroku API answered with a build without id or status');
  }
  const releaseId: unknown = build.release?.id;
  return {
    id: build.id,
    status: build.status,
    releaseId: typeof releaseId === 'string' && releaseId !== '' ? releaseId : undefined,
    outputStreamUrl:
      typeof build.output_stream_url === 'string' && build.output_stream_url !== ''
        ? build.output_stream_url
        : undefined,
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
