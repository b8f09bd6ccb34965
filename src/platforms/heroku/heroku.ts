// Heroku through its Platform API only (no CLI, no git push): sources → build → release phase,
// reading the current release, and rollback by re-releasing an earlier release.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DeployError, errorMessage } from '../../io/errors.js';
import { TailBuffer } from '../../io/tail-buffer.js';
import type {
  InstanceReport,
  LogLine,
  Platform,
  PlatformSettings,
  Release,
  RestorePlan,
  Snapshot,
} from '../platform.js';
import { createApiClient, defaultApiClientDeps } from '../kit/api-client.js';
import type { ApiClientDeps } from '../kit/api-client.js';
import { platformMayHaveActed } from '../kit/outcome.js';
import { pollUntil } from '../kit/poll.js';
import { HerokuApi } from './api.js';
import { failingLines, stillPending } from './build-words.js';
import { startBuild } from './build-start.js';
import { crashedDynos } from './crash.js';
import { herokuAppLogs } from './logs.js';
import { commitOfRelease } from './live-commit.js';
import { dynoReport, toRelease } from './parse.js';
import { defaultPrebootWindowMs, prebootNotice, prebootWindowMs } from './preboot.js';
import { previousGoodRelease } from './previous-release.js';
import type { BuildState, ReleaseState } from './parse.js';

export interface HerokuDeps extends ApiClientDeps {
  /** Waits between status polls; they grow and the last one repeats. */
  readonly pollIntervalsMs: readonly number[];
  /** Hard cap on status reads of one build or release, whatever the clock says. */
  readonly maxPolls: number;
  readonly buildTimeoutMs: number;
  /** Heroku gives the release phase up to an hour. */
  readonly releaseTimeoutMs: number;
  /** Where the source archive is written; default RUNNER_TEMP, else the OS temp dir. */
  readonly tempRoot: string | undefined;
  /** How long the old release may answer after a release when preboot is on. */
  readonly prebootWindowMs: number;
}

const outputTailLines = 20;
/** Reading a decided release phase's output once more is best effort: never for long. */
const MISSED_OUTPUT_READ_MS = 10_000;

export const defaultHerokuDeps: HerokuDeps = {
  ...defaultApiClientDeps,
  pollIntervalsMs: [500, 1_000, 2_000, 3_000, 5_000],
  maxPolls: 2_000,
  buildTimeoutMs: 30 * 60_000,
  releaseTimeoutMs: 65 * 60_000,
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

export class HerokuPlatform implements Platform {
  private readonly api: HerokuApi;

  constructor(
    private readonly settings: PlatformSettings,
    private readonly deps: HerokuDeps,
  ) {
    const client = createApiClient(
      {
        baseUrl: settings.apiUrl,
        service: 'Heroku API',
        userAgent: settings.userAgent,
        apiHeaders: {
          accept: 'application/vnd.heroku+json; version=3',
          authorization: `Bearer ${settings.apiToken}`,
        },
        debugPrefix: 'heroku',
      },
      deps,
    );
    this.api = new HerokuApi(client, settings.app, deps.sleep);
  }

  async snapshot(): Promise<Snapshot> {
    const app = await this.api.getApp();
    const notices: string[] = [];
    const webUrl = typeof app.web_url === 'string' ? app.web_url : '';
    if (webUrl === '') {
      notices.push(`Heroku reports no web URL for ${this.settings.app}: set \`health-url\`.`);
    }
    const preboot = await this.api.prebootEnabled();
    if (preboot) notices.push(prebootNotice(this.settings.app, this.deps.prebootWindowMs));
    const current = toRelease(await this.api.currentRelease());
    return {
      current,
      webUrl,
      switchoverSeconds: preboot ? this.deps.prebootWindowMs / 1000 : 0,
      notices,
      restore: { kind: 'release', target: current },
    };
  }

  async liveCommit(live: Release): Promise<string | undefined> {
    return commitOfRelease(await this.api.recentBuilds(), live);
  }

  async liveRelease(): Promise<Release> {
    return toRelease(await this.api.currentRelease());
  }

  async push(commit: string, log: LogLine): Promise<Release> {
    const short = commit.slice(0, 12);
    const artifact = this.settings.artifact;
    if (artifact !== undefined) return this.releaseArtifact(artifact, short, log);
    const tempDir = await mkdtemp(
      path.join(this.deps.tempRoot ?? process.env.RUNNER_TEMP ?? os.tmpdir(), 'guarded-deploy-'),
    );
    try {
      const build = await startBuild(this.api, this.deps.sleep, {
        sourceDir: this.settings.sourceDir,
        commit,
        tempDir,
        log,
      });
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

  /** Re-releases the target (Heroku's "Rollback"): the same for every kind of plan. */
  async rollback(plan: RestorePlan, log: LogLine): Promise<Release> {
    const { target } = plan;
    log(`Rolling back ${this.settings.app} to ${target.label} (${target.id})`);
    let created: ReleaseState;
    try {
      created = await this.api.createRollback(target.id);
    } catch (error) {
      throw new DeployError(
        `Rollback to ${target.label} was not confirmed: ${errorMessage(error)}`,
        platformMayHaveActed(error),
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

  /** The app's last lines through a log session (logs.ts); all its dynos, source `app`. */
  recentLogs(_release: Release, maxLines: number, deadlineMs: number): Promise<string[]> {
    return herokuAppLogs(this.api.client, this.settings.app, maxLines, deadlineMs);
  }

  /** Web dynos of `release` the platform shows crashed (crash.ts). */
  async crashedInstances(release: Release): Promise<readonly string[]> {
    return crashedDynos(await this.api.dynos(), release);
  }

  /** Every web dyno up and on `release`, read from the dynos list until it is or time runs
   * out: a health URL can answer from a dyno of the old release while preboot switches. */
  async inspect(release: Release, timeoutMs: number): Promise<InstanceReport> {
    const polled = await pollUntil(
      async () => dynoReport(await this.api.dynos(), release),
      (report) => report.ok,
      this.deps,
      this.limits(timeoutMs),
    );
    return polled.value;
  }

  async resolveTarget(spec: string | undefined): Promise<RestorePlan> {
    if (spec !== undefined) {
      const version = /^v?(\d+)$/.exec(spec)?.[1];
      return { kind: 'release', target: toRelease(await this.api.release(version ?? spec)) };
    }
    return { kind: 'release', target: toRelease(await previousGoodRelease(this.api)) };
  }

  /** Pending builds and releases (api.ts `pendingDeploys`): before the push, none is ours. */
  deploysInFlight(): Promise<readonly string[]> {
    return this.api.pendingDeploys();
  }

  async settle(timeoutMs: number): Promise<void> {
    const polled = await pollUntil(
      () => this.api.somethingInFlight(),
      (inFlight) => !inFlight,
      this.deps,
      this.limits(timeoutMs),
    );
    if (!polled.done) throw stillPending('build or release in flight', timeoutMs);
  }

  /** Closes the keep-alive connections; the action calls it once at the end. */
  close(): Promise<void> {
    return this.api.client.close();
  }

  private limits(timeoutMs: number): {
    intervalsMs: readonly number[];
    maxPolls: number;
    timeoutMs: number;
  } {
    return { intervalsMs: this.deps.pollIntervalsMs, maxPolls: this.deps.maxPolls, timeoutMs };
  }

  private async finishBuild(created: BuildState, short: string, log: LogLine): Promise<Release> {
    const started = this.deps.now();
    const tail = new TailBuffer(outputTailLines);
    if (created.outputStreamUrl !== undefined) {
      await this.streamOutput(created.outputStreamUrl, this.deps.buildTimeoutMs, log, tail);
    }
    const polled = await pollUntil(
      () => this.api.build(created.id),
      // A succeeded build names its release; wait for that too.
      (state) => state.status === 'failed' || (state.status === 'succeeded' && !!state.releaseId),
      this.deps,
      this.limits(this.deps.buildTimeoutMs),
      { started },
    );
    if (!polled.done) throw stillPending(`build ${created.id}`, this.deps.buildTimeoutMs);
    const build = polled.value;
    if (build.status === 'failed') {
      const lines = tail.lines();
      const lastOutput = lines.length > 0 ? `\nLast build output:\n${lines.join('\n')}` : '';
      const said = failingLines(lines);
      throw new DeployError(
        `Heroku build ${created.id} of ${short} failed; nothing was released` +
          `${said === '' ? '.' : `: ${said}`}${lastOutput}`,
        false,
        { title: 'Build output', lines },
      );
    }
    const release = await this.api.release(build.releaseId ?? '');
    log(`Build succeeded: release v${release.version}`);
    return this.releaseLive(release, log);
  }

  /** Waits out the release phase of `release`; a failed one never went live. */
  private async releaseLive(release: ReleaseState, log: LogLine): Promise<Release> {
    const releaseTail = new TailBuffer(outputTailLines);
    const done = await this.waitForRelease(release, log, releaseTail);
    if (done.status === 'failed') {
      const releaseLines = releaseTail.lines();
      const said = releaseLines.findLast((line) => line.trim() !== '')?.trim();
      throw new DeployError(
        `The release phase of v${done.version} failed` +
          `${said === undefined ? '' : ` (its last line: ${said})`}: ` +
          `v${done.version} was never deployed and the previous release keeps serving.`,
        false,
        { title: `Release phase output of v${done.version}`, lines: releaseLines },
        toRelease(done),
      );
    }
    log(`v${done.version} is live`);
    return toRelease(done);
  }

  /** `artifact`: a release of that slug, no build (Dev Center "Copying Slugs with the Platform
   * API": `POST /apps/{app}/releases` with `slug`, also a slug built on another app). */
  private async releaseArtifact(slugId: string, short: string, log: LogLine): Promise<Release> {
    let created: ReleaseState;
    try {
      created = await this.api.createSlugRelease(slugId, `guarded-deploy of ${short}`);
    } catch (error) {
      throw new DeployError(
        `Could not release slug ${slugId} on ${this.settings.app}: ${errorMessage(error)}`,
        platformMayHaveActed(error),
      );
    }
    log(`Released slug ${slugId} as v${created.version}, no build`);
    try {
      return await this.releaseLive(created, log);
    } catch (error) {
      if (error instanceof DeployError) throw error;
      throw new DeployError(
        `Lost track of v${created.version} (slug ${slugId}): ${errorMessage(error)}`,
        true,
      );
    }
  }

  /** The slug a verified release runs: what `artifact` deploys elsewhere. None on Fir. */
  artifactOf(release: Release): Promise<string | undefined> {
    return this.api.releaseSlug(release.id);
  }

  /** Streams the release phase output (when there is one) and polls until it is decided. */
  private async waitForRelease(
    release: ReleaseState,
    log: LogLine,
    tail?: TailBuffer,
  ): Promise<ReleaseState> {
    if (release.status !== 'pending') {
      // Already decided when first read (a release command that failed at once).
      await this.readMissedOutput(release, log, tail);
      return release;
    }
    const started = this.deps.now();
    if (release.outputStreamUrl !== undefined) {
      log(`Release phase of v${release.version}:`);
      await this.streamOutput(release.outputStreamUrl, this.deps.releaseTimeoutMs, log, tail);
    }
    const polled = await pollUntil(
      () => this.api.release(release.id),
      (state) => state.status !== 'pending',
      this.deps,
      this.limits(this.deps.releaseTimeoutMs),
      // After streamed output the status is stale: read it again at once.
      { started, ...(release.outputStreamUrl === undefined ? { first: { value: release } } : {}) },
    );
    if (!polled.done) {
      throw stillPending(`release v${release.version}`, this.deps.releaseTimeoutMs);
    }
    const done = polled.value;
    if (done.status === 'expired' || done.status === 'other') {
      throw new Error(`Heroku release v${done.version} ended neither succeeded nor failed`);
    }
    await this.readMissedOutput({ ...done, outputStreamUrl: release.outputStreamUrl }, log, tail);
    return done;
  }

  /** The stream answers 404 until the release command starts (the CLI then only warns), and
   * a release may be decided before it is first read: once a release phase ended, failed or
   * succeeded, its output is read when none came yet, as `heroku releases:output` reads it
   * (on a loaded runner a quick release phase was decided before the first read). */
  private async readMissedOutput(
    release: ReleaseState,
    log: LogLine,
    tail: TailBuffer | undefined,
  ): Promise<void> {
    if (release.status !== 'failed' && release.status !== 'succeeded') return;
    if (tail === undefined || tail.size > 0 || release.outputStreamUrl === undefined) return;
    await this.streamOutput(release.outputStreamUrl, MISSED_OUTPUT_READ_MS, log, tail);
  }

  /** Output lines to `log`, the last ones kept in `tail` when given; a broken stream is only
   * reported: the status poll that follows decides. */
  private async streamOutput(
    url: string,
    deadlineMs: number,
    log: LogLine,
    tail?: TailBuffer,
  ): Promise<void> {
    try {
      for await (const line of this.api.client.streamLines(url, { deadlineMs })) {
        log(line);
        tail?.push(line);
      }
    } catch (error) {
      log(`(output stream ended early: ${errorMessage(error)}; checking the status instead)`);
    }
  }
}
