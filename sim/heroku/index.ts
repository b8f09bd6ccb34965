// The Heroku half of the simulator: starts the API server and exposes a small control surface
// for tests (create apps, seed releases, inspect state, inject faults).
import path from 'node:path';
import { type HerokuContract, sharedHerokuContract } from '../contract/heroku-schema.js';
import { ProcessRegistry } from '../router/process-group.js';
import type { FaultHooks, RecordedRequest } from '../types.js';
import { HerokuAccount } from './account.js';
import type { AppOptions } from './account.js';
import { BlobStore } from './blob-store.js';
import { FaultBook } from './faults.js';
import type { AppRecord } from './model.js';
import { RateLimiter } from './rate-limit.js';
import { HerokuServer } from './server.js';
import { StreamServer } from './stream-server.js';

export interface HerokuAppState {
  readonly currentVersion: number | undefined;
  readonly releases: Array<{
    id: string;
    version: number;
    status: string;
    current: boolean;
    description: string;
    /** When traffic switched to it (epoch ms); undefined until then. */
    liveAt: number | undefined;
    /** The slug it runs; undefined for the initial release. */
    slugId: string | undefined;
  }>;
  readonly builds: Array<{ id: string; status: string }>;
  /** The web dyno of the newest release: `starting` until its process binds $PORT. */
  readonly dynos: Array<{ name: string; state: string }>;
  readonly webUrl: string;
}

export interface HerokuSim extends FaultHooks {
  createApp(name: string, opts?: AppOptions): Promise<{ webUrl: string }>;
  /** Build+release a directory directly (no API calls recorded) to seed a live release. */
  seedRelease(
    app: string,
    dir: string,
    opts?: { description?: string },
  ): Promise<{ id: string; version: number }>;
  /** Read-only view for assertions. */
  state(app: string): HerokuAppState;
  /** Full output of a build so far (what its output stream serves). */
  buildOutput(app: string, buildId: string): string;
  /** Faults for requests to the app's public URL (its router), e.g. the health endpoint. */
  routerFaults(app: string): FaultHooks;
  /** Marks an old release `expired`, as Fir-generation apps do. */
  expireRelease(app: string, version: number): void;
  /** Sets the rate-limit bucket of `token` (what is left, refilling from now). */
  setRateLimitRemaining(token: string, remaining: number): void;
}

export interface HerokuSimOptions {
  readonly token: string;
  readonly dataDir: string;
  readonly log: (line: string) => void;
  readonly onRequest: (request: RecordedRequest) => void;
  readonly onViolation: (violation: string) => void;
  readonly contract?: HerokuContract;
}

export interface HerokuSimHandle {
  readonly url: string;
  readonly control: HerokuSim;
  stop(): Promise<void>;
}

export async function startHerokuSim(options: HerokuSimOptions): Promise<HerokuSimHandle> {
  const registry = new ProcessRegistry();
  const account = new HerokuAccount({ dataDir: options.dataDir, registry, log: options.log });
  const faults = new FaultBook();
  const rateLimit = new RateLimiter();
  const streams = await StreamServer.start({ account, faults, onRequest: options.onRequest });
  const server = await HerokuServer.start({
    releaseStreamUrl: (id) => streams.releaseUrl(id),
    logSessionUrl: (id) => streams.logSessionUrl(id),
    rateLimit,
    token: options.token,
    account,
    blobs: new BlobStore(path.join(options.dataDir, 'blobs')),
    contract: options.contract ?? sharedHerokuContract(),
    faults,
    onRequest: options.onRequest,
    onViolation: options.onViolation,
  });

  const appNamed = (name: string): AppRecord => {
    const app = account.findApp(name);
    if (!app) throw new Error(`no simulated Heroku app named ${name}`);
    return app;
  };

  const control: HerokuSim = {
    inject: (fault) => faults.inject(fault),
    clear: () => faults.clear(),
    async createApp(name, opts) {
      const app = await account.createApp(name, opts);
      return { webUrl: app.router.webUrl };
    },
    async seedRelease(name, dir, opts) {
      const release = await account.seed(appNamed(name), dir, opts?.description ?? 'Deploy');
      return { id: release.id, version: release.version };
    },
    state(name) {
      const app = appNamed(name);
      return {
        currentVersion: app.currentRelease?.version,
        releases: app.releases.map((release) => ({
          id: release.id,
          version: release.version,
          status: release.status,
          current: release === app.currentRelease,
          description: release.description,
          liveAt: release.liveAt,
          slugId: release.slug?.id,
        })),
        builds: app.builds.map((build) => ({ id: build.id, status: build.status })),
        dynos: app.router.dynos().map((dyno) => ({ name: dyno.spec.name, state: dyno.state })),
        webUrl: app.router.webUrl,
      };
    },
    routerFaults: (name) => appNamed(name).router.faults,
    expireRelease: (name, version) => account.expire(appNamed(name), version),
    setRateLimitRemaining: (token, remaining) => rateLimit.set(`Bearer ${token}`, remaining),
    buildOutput(name, buildId) {
      const build = appNamed(name).builds.find((candidate) => candidate.id === buildId);
      if (!build) throw new Error(`no build ${buildId} in ${name}`);
      return build.output.text();
    },
  };

  return {
    url: server.url,
    control,
    async stop() {
      await server.close();
      await streams.close();
      await account.close();
    },
  };
}
