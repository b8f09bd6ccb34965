// The simulated Heroku account: apps with their slugs, builds and releases, and the
// operations the API and the test control surface perform on them.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppRouter } from '../router/app-router.js';
import type { ProcessRegistry } from '../router/process-group.js';
import { runBuild } from './builder.js';
import type { AppRecord, BuildRecord, ReleaseRecord, SlugRecord } from './model.js';
import { AppLogs } from './log-sessions.js';
import { OutputLog } from './output-log.js';
import { readProcfile } from './procfile.js';
import { createRelease, rollbackRefusal } from './releases.js';
import { HerokuApiError } from './http-io.js';

export const APP_NAME_PATTERN = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
const DEFAULT_BOOT_TIMEOUT_MS = 10_000;
/** Dev Center "Preboot": requests reach the new dynos about 3 minutes after the release (2
 * minutes after the 60 s boot timeout). Tests scale it down per app. */
export const DEFAULT_PREBOOT_WINDOW_MS = 180_000;
/** The first cool-off after repeated crashes (see Dyno); it doubles per crash. Scaled down
 * from Heroku's minutes so tests see several restarts. */
const DEFAULT_CRASH_RESTART_MS = 1_000;

export interface AccountDeps {
  readonly dataDir: string;
  readonly registry: ProcessRegistry;
  readonly log: (line: string) => void;
}

export interface AppOptions {
  readonly preboot?: boolean;
  readonly bootTimeoutMs?: number;
  /** Preboot: how long after a release the old dynos keep getting the requests. */
  readonly prebootWindowMs?: number;
  /** First wait before a crashed dyno is restarted; it doubles per crash. */
  readonly crashRestartMs?: number;
  /** See AppRecord.releaseStartDelayMs; default 0. */
  readonly releaseStartDelayMs?: number;
  /** See AppRecord.generation; default cedar. */
  readonly generation?: 'cedar' | 'fir';
}

export type SourceBlob = BuildRecord['sourceBlob'];

export class HerokuAccount {
  private readonly apps = new Map<string, AppRecord>();
  private readonly builds = new Map<string, BuildRecord>();
  private readonly releases = new Map<string, ReleaseRecord>();
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  /** What each app's dynos printed, for log sessions. */
  readonly logs = new AppLogs();

  constructor(private readonly deps: AccountDeps) {}

  async createApp(name: string, options: AppOptions = {}): Promise<AppRecord> {
    if (!APP_NAME_PATTERN.test(name)) throw new Error(`invalid Heroku app name: ${name}`);
    if (this.apps.has(name)) throw new Error(`app ${name} already exists`);
    const router = await AppRouter.start({
      appName: name,
      preboot: options.preboot ?? false,
      bootTimeoutMs: options.bootTimeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS,
      prebootWindowMs: options.prebootWindowMs ?? DEFAULT_PREBOOT_WINDOW_MS,
      crashRestartMs: options.crashRestartMs ?? DEFAULT_CRASH_RESTART_MS,
      registry: this.deps.registry,
      log: (line) => {
        this.logs.add(name, line);
        this.deps.log(`${name} ${line}`);
      },
    });
    const now = new Date().toISOString();
    const app: AppRecord = {
      id: randomUUID(),
      name,
      createdAt: now,
      updatedAt: now,
      releasedAt: null,
      prebootSince: now,
      releaseStartDelayMs: options.releaseStartDelayMs ?? 0,
      generation: options.generation ?? 'cedar',
      router,
      releases: [],
      builds: [],
      slugs: new Map(),
      currentRelease: undefined,
    };
    this.apps.set(name, app);
    // Like Heroku, a new app starts at v1 "Initial release", which has no slug.
    await this.release(app, undefined, 'Initial release').settled;
    return app;
  }

  findApp(idOrName: string): AppRecord | undefined {
    const byName = this.apps.get(idOrName);
    if (byName) return byName;
    return [...this.apps.values()].find((app) => app.id === idOrName);
  }

  /** A slug built on any app of the account: Dev Center "Copying Slugs with the Platform
   * API" releases a slug from one app on another (`POST /apps/{target}/releases` with
   * `slug`) when the user can access both; this account owns every app. */
  findSlug(id: string): SlugRecord | undefined {
    for (const app of this.apps.values()) {
      const slug = app.slugs.get(id);
      if (slug !== undefined) return slug;
    }
    return undefined;
  }

  findBuild(id: string): BuildRecord | undefined {
    return this.builds.get(id);
  }

  findRelease(id: string): ReleaseRecord | undefined {
    return this.releases.get(id);
  }

  startBuild(app: AppRecord, sourceBlob: SourceBlob): BuildRecord {
    const now = new Date().toISOString();
    const build: BuildRecord = {
      id: randomUUID(),
      createdAt: now,
      updatedAt: now,
      status: 'pending',
      sourceBlob,
      output: new OutputLog(),
      slug: undefined,
      release: undefined,
    };
    app.builds.push(build);
    this.builds.set(build.id, build);
    this.track(
      runBuild(app, build, {
        slugRoot: this.slugRoot(app),
        signal: this.stopping.signal,
        release: (slug, description) => this.release(app, slug, description),
        log: this.deps.log,
        registry: this.deps.registry,
      }),
    );
    return build;
  }

  release(app: AppRecord, slug: SlugRecord | undefined, description: string): ReleaseRecord {
    const release = createRelease(app, slug, description, this.deps);
    this.releases.set(release.id, release);
    this.track(release.settled);
    return release;
  }

  /** Refuses targets the API marks `eligible_for_rollback: false` (see objects.ts). */
  rollback(app: AppRecord, target: ReleaseRecord): ReleaseRecord {
    const why = rollbackRefusal(target);
    if (why !== undefined) throw new HerokuApiError(422, 'invalid_params', why);
    return this.release(app, target.slug, `Rollback to v${target.version}`);
  }

  /** Marks an old release `expired`, as Fir-generation apps do (for tests). */
  expire(app: AppRecord, version: number): void {
    const release = app.releases.find((candidate) => candidate.version === version);
    if (!release) throw new Error(`no release v${version} in ${app.name}`);
    if (release === app.currentRelease) throw new Error('the current release never expires');
    release.status = 'expired';
    release.updatedAt = new Date().toISOString();
  }

  /** Releases a directory as if it had been built (for seeding a live release in tests). */
  async seed(app: AppRecord, dir: string, description: string): Promise<ReleaseRecord> {
    const slugId = randomUUID();
    const slugDir = path.join(this.slugRoot(app), slugId);
    await fs.cp(dir, slugDir, {
      recursive: true,
      filter: (source) => path.basename(source) !== '.git',
    });
    const processTypes = await readProcfile(slugDir);
    if (processTypes?.web === undefined) {
      throw new Error(`seedRelease: ${dir} has no Procfile with a web process type`);
    }
    const slug: SlugRecord = { id: slugId, dir: slugDir, processTypes, sizeBytes: 0 };
    app.slugs.set(slug.id, slug);
    const release = this.release(app, slug, description);
    await release.settled;
    return release;
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.apps.values()].map((app) => app.router.close()));
    await this.deps.registry.stopAll();
    // Builds and releases notice the abort or their killed processes and finish.
    await Promise.all([...this.running]);
  }

  private slugRoot(app: AppRecord): string {
    return path.join(this.deps.dataDir, 'apps', app.name, 'slugs');
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => {
      this.deps.log(`heroku[sim]: background work failed: ${String(error)}`);
    });
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }
}
