// The Fly.io half of the simulator: the Machines API server, the image registry, machines
// that really run their image, a fly-proxy per app, and a control surface for tests (create
// apps, seed a release, inspect state, inject faults).
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultBook } from '../heroku/faults.js';
import { ProcessRegistry } from '../router/process-group.js';
import type { FaultHooks } from '../types.js';
import { ensureFlyctlBundle } from '../flyctl/bundle.js';
import { sharedFlyContract } from './contract.js';
import { hasChecks, machineConfig, parseFlyToml } from './fly-toml.js';
import type { FlyToml } from './fly-toml.js';
import { releaseId, ulid } from './ids.js';
import { ImageStore, imageRef, pinnedRef } from './image-store.js';
import type { ImageRecord } from './image-store.js';
import { FlyPlatform } from './platform.js';
import type { FlyApp, FlyAppOptions } from './platform.js';
import { RateLimiter } from './rate-limit.js';
import type { RateLimitOptions } from './rate-limit.js';
import { FlyServer } from './server.js';
import type { FlyRecordedRequest } from './server.js';

export type { FlyAppOptions } from './platform.js';
export type { FlyRecordedRequest } from './server.js';
export type { RateLimitOptions } from './rate-limit.js';

/** A realistic-looking (fake) org deploy token: two macaroon parts. */
export const DEFAULT_FLY_TOKEN =
  'FlyV1 fm2_lJPECAAAAAAAAMoexBBzaW1GbHlEZXBsb3lUb2tlbjAxwrVodHRwczovL2FwaS5mbHkuaW8vdjGU,' +
  'fm2_lJPEThWfHcSAbF0ZGlzY2hhcmdlZC1ieS1zaW0tb25seQ9hcHAtZGVwbG95LXRva2VuLXNpbQ';

export interface FlyMachineState {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly state: string;
  /** config.image, e.g. `registry.fly.io/shop:deployment-...`. */
  readonly image: string;
  readonly digest: string;
  readonly instanceId: string;
  readonly cordoned: boolean;
  /** `config.standbys`: the machines this one stands by for (empty: not a standby). */
  readonly standbys: readonly string[];
  readonly checks: ReadonlyArray<{ name: string; status: string; output: string }>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
}

export interface FlyAppState {
  readonly publicUrl: string;
  /** Machines not destroyed, in creation order. */
  readonly machines: readonly FlyMachineState[];
  readonly destroyed: readonly string[];
}

export interface FlySeedOptions {
  /** Image tag; default `deployment-<ULID>` like flyctl. */
  readonly label?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Wait (bounded) until every machine is started with passing checks; default true. */
  readonly waitHealthy?: boolean;
}

export interface FlySim extends FaultHooks {
  /** The token the API accepts, in the form users hold it. */
  readonly token: string;
  createApp(name: string, options?: FlyAppOptions): Promise<{ publicUrl: string }>;
  /** Builds `dir` as an image and runs it on the app's machines, as release v1. */
  seedRelease(
    app: string,
    dir: string,
    options?: FlySeedOptions,
  ): Promise<{ id: string; version: number; imageRef: string }>;
  /** Stores `dir` as `registry.fly.io/<app>:<label>` (for `flyctl deploy --image`). */
  buildImage(
    app: string,
    dir: string,
    label: string,
    labels?: Readonly<Record<string, string>>,
  ): Promise<{ ref: string; digest: string }>;
  state(app: string): FlyAppState;
  publicUrl(app: string): string;
  /** The port a running machine's process listens on (to reach it past the proxy). */
  machinePort(app: string, machineId: string): number | undefined;
  /** Faults for requests to the app's public URL (its fly-proxy), e.g. the health endpoint. */
  proxyFaults(app: string): FaultHooks;
  /** Ends every lease held on the app's machines (one a faulted release left behind); the ids
   * of the machines that had one. */
  dropLeases(app: string): string[];
  /** Makes a machine's host unreachable (or reachable again): `incomplete_config`, changes
   * refused with 503. */
  setHostUnreachable(app: string, machineId: string, unreachable: boolean): void;
  /** How long a new machine reads as 404 after its creation (0: visible at once). */
  setCreateVisibilityLag(app: string, ms: number): void;
}

export interface FlySimOptions {
  readonly token?: string;
  readonly dataDir: string;
  readonly log: (line: string) => void;
  readonly onRequest: (request: FlyRecordedRequest) => void;
  readonly onViolation: (violation: string) => void;
  /** false: no rate limits; default: Fly's (1/s burst 3 per action and machine). */
  readonly rateLimit?: RateLimitOptions | false;
  readonly owner?: string;
}

export interface FlySimHandle {
  /** Where the API is served: `<url>/v1/apps/...`. */
  readonly url: string;
  readonly control: FlySim;
  stop(): Promise<void>;
}

const SEED_HEALTHY_TIMEOUT_MS = 20_000;
const SEED_POLL_MS = 50;

export async function startFlySim(options: FlySimOptions): Promise<FlySimHandle> {
  // Whoever starts a Fly simulator is about to run flyctl against it.
  await ensureFlyctlBundle();
  const registry = new ProcessRegistry();
  const images = new ImageStore(path.join(options.dataDir, 'fly-images'));
  const platform = new FlyPlatform(images, registry, options.log);
  const faults = new FaultBook();
  const token = options.token ?? DEFAULT_FLY_TOKEN;
  const server = await FlyServer.start({
    token,
    owner: options.owner ?? 'deployer@acme.example',
    platform,
    contract: sharedFlyContract(),
    faults,
    rateLimiter: options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit),
    onRequest: options.onRequest,
    onViolation: options.onViolation,
  });

  const appNamed = (name: string): FlyApp => {
    const app = platform.findApp(name);
    if (!app) throw new Error(`no simulated Fly app named ${name}`);
    return app;
  };

  const control: FlySim = {
    token,
    inject: (fault) => faults.inject(fault),
    clear: () => faults.clear(),
    async createApp(name, appOptions) {
      const app = await platform.createApp(name, appOptions);
      return { publicUrl: app.proxy.url };
    },
    async seedRelease(name, dir, seed = {}) {
      const app = appNamed(name);
      if (app.machines.some((machine) => machine.state !== 'destroyed')) {
        throw new Error(`${name} has machines already; seed only a new app`);
      }
      const toml = await readFlyToml(dir);
      const image = await images.addDirectory(
        name,
        seed.label ?? `deployment-${ulid()}`,
        dir,
        seed.labels,
      );
      const release = { image: imageRef(image), releaseId: releaseId(), releaseVersion: 1 };
      const config = machineConfig(toml, release);
      if (app.bluegreen && !hasChecks(config)) {
        throw new Error(`${name} deploys blue/green, which needs health checks in fly.toml`);
      }
      for (let index = 0; index < app.machineCount; index += 1) {
        await platform.createMachine(app, {
          config: structuredClone(config),
          image,
          region: app.regions[index % app.regions.length] ?? 'ams',
        });
      }
      await seedWorkers(platform, app, toml, release, image);
      if (seed.waitHealthy ?? true) await waitRoutable(app);
      return { id: release.releaseId, version: 1, imageRef: pinnedRef(image) };
    },
    async buildImage(name, dir, label, labels) {
      appNamed(name);
      const image = await images.addDirectory(name, label, dir, labels);
      return { ref: pinnedRef(image), digest: image.digest };
    },
    state(name) {
      const app = appNamed(name);
      const live = app.machines.filter((machine) => machine.state !== 'destroyed');
      return {
        publicUrl: app.proxy.url,
        machines: live.map((machine) => ({
          id: machine.id,
          name: machine.name,
          region: machine.region,
          state: machine.state,
          image: typeof machine.config.image === 'string' ? machine.config.image : '',
          digest: machine.image.digest,
          instanceId: machine.instanceId,
          cordoned: machine.cordoned,
          standbys: Array.isArray(machine.config.standbys)
            ? machine.config.standbys.filter((id): id is string => typeof id === 'string')
            : [],
          checks: machine.checks.map((check) => ({
            name: check.name,
            status: check.status,
            output: check.output,
          })),
          metadata: stringRecord(machine.config.metadata),
          labels: machine.image.labels,
        })),
        destroyed: app.machines.filter((m) => m.state === 'destroyed').map((m) => m.id),
      };
    },
    publicUrl: (name) => appNamed(name).proxy.url,
    machinePort: (name, machineId) =>
      appNamed(name).machines.find((machine) => machine.id === machineId)?.port,
    proxyFaults: (name) => appNamed(name).proxy.faults,
    dropLeases(name) {
      const held = appNamed(name).machines.filter((machine) => machine.leaseActive());
      for (const machine of held) machine.lease = undefined;
      return held.map((machine) => machine.id);
    },
    setHostUnreachable(name, machineId, unreachable) {
      const machine = appNamed(name).machines.find((entry) => entry.id === machineId);
      if (!machine) throw new Error(`no machine ${machineId} in ${name}`);
      machine.hostUnreachable = unreachable;
    },
    setCreateVisibilityLag(name, ms) {
      appNamed(name).createVisibilityLagMs = ms;
    },
  };

  return {
    url: server.url,
    control,
    async stop() {
      await server.close();
      await platform.close();
      await registry.stopAll();
    },
  };
}

async function readFlyToml(dir: string): Promise<FlyToml | undefined> {
  try {
    return parseFlyToml(await fs.readFile(path.join(dir, 'fly.toml'), 'utf8'));
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The worker group's machines, each with a standby when the app has them: a standby is
 * created with the worker's id in `standbys` and not started (flyctl machines_launchinput.go
 * `launchInputForLaunch` with `--ha`, for a group without services). */
async function seedWorkers(
  platform: FlyPlatform,
  app: FlyApp,
  toml: FlyToml | undefined,
  release: { image: string; releaseId: string; releaseVersion: number },
  image: ImageRecord,
): Promise<void> {
  for (let index = 0; index < app.workers; index += 1) {
    const region = app.regions[index % app.regions.length] ?? 'ams';
    const config = machineConfig(toml, release, undefined, 'worker');
    const worker = await platform.createMachine(app, { config, image, region });
    if (!app.standbys) continue;
    const standby = machineConfig(toml, release, undefined, 'worker');
    standby.standbys = [worker.id];
    (standby.env as Record<string, string>).FLY_STANDBY_FOR = worker.id;
    await platform.createMachine(app, { config: standby, image, region, skipLaunch: true });
  }
}

/** Launched machines started, those with services routable; standbys stay `created`. */
async function waitRoutable(app: FlyApp): Promise<void> {
  const deadline = Date.now() + SEED_HEALTHY_TIMEOUT_MS;
  const live = (): FlyApp['machines'] =>
    app.machines.filter((m) => m.state !== 'destroyed' && m.state !== 'created');
  const ready = (machine: FlyApp['machines'][number]): boolean =>
    Array.isArray(machine.config.services)
      ? machine.routable || (machine.state === 'stopped' && machine.stopRequested)
      : machine.state === 'started';
  while (!live().every(ready)) {
    if (Date.now() >= deadline) {
      const states = live().map((m) => `${m.id}: ${m.state}`);
      throw new Error(`seeded machines of ${app.name} not healthy in time (${states.join(', ')})`);
    }
    await sleep(SEED_POLL_MS);
  }
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}
