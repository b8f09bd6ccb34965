// The simulated Fly organisation: apps, their machines and proxies, and the image registry.
// API routes and the test control surface both act through it.
import { FlyLogs } from './logs.js';
import { randomBytes } from 'node:crypto';
import type { ProcessRegistry } from '../router/process-group.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import { FlyMachine } from './machine.js';
import { FlyProxy } from './proxy.js';

export interface FlyAppOptions {
  /** Regions machines are spread across; default ams and fra. */
  readonly regions?: readonly string[];
  /** How many machines `seedRelease` creates; default 3. */
  readonly machines?: number;
  /** Deployed blue/green: seeded releases must declare health checks (Fly requires them). */
  readonly bluegreen?: boolean;
  /** Machines `seedRelease` creates in the `worker` process group (fly.toml [processes]). */
  readonly workers?: number;
  /** Each worker gets a standby (`config.standbys`), created but not started, as `fly deploy
   * --ha` makes them for groups without services. */
  readonly standbys?: boolean;
  /** How often the proxy's autostop round runs (Fly: every few minutes); 0: never. */
  readonly autoStopEveryMs?: number;
  /** Synthetic `bg_deployments_compat` checks flaps adds to machines with services, with
   * this status (fly-go machine_types.go `RemoveCompatChecks` strips them); default none. */
  readonly compatChecks?: 'passing' | 'warning' | 'critical';
  /** For this long after its creation a machine reads as 404, "not visible yet" (flyctl
   * leasable_machine.go `WaitForState` retries that for a machine it just created). */
  readonly createVisibilityLagMs?: number;
}

/** Fly's proxy runs its autostop round every few minutes; tests ask for faster rounds. */
const DEFAULT_AUTOSTOP_EVERY_MS = 5 * 60_000;

export interface FlyApp {
  readonly id: string;
  readonly name: string;
  readonly regions: readonly string[];
  readonly machineCount: number;
  readonly bluegreen: boolean;
  readonly workers: number;
  readonly standbys: boolean;
  readonly compatChecks: FlyAppOptions['compatChecks'];
  createVisibilityLagMs: number;
  readonly proxy: FlyProxy;
  /** Every machine ever created, destroyed ones included (the API can list them). */
  readonly machines: FlyMachine[];
}

export interface NewMachine {
  readonly config: Record<string, unknown>;
  readonly image: ImageRecord;
  readonly region: string;
  readonly name?: string;
  readonly skipLaunch?: boolean;
  readonly skipServiceRegistration?: boolean;
}

const ADJECTIVES = ['quiet', 'young', 'bold', 'misty', 'late', 'frosty', 'lively', 'polished'];
const NOUNS = ['sea', 'river', 'forest', 'meadow', 'bird', 'cloud', 'frog', 'sunset'];

export class FlyPlatform {
  private readonly apps = new Map<string, FlyApp>();
  /** What the machines' processes printed, for the logs API (logs.ts). */
  readonly logs = new FlyLogs();

  constructor(
    readonly images: ImageStore,
    private readonly registry: ProcessRegistry,
    private readonly log: (line: string) => void,
  ) {}

  findApp(name: string): FlyApp | undefined {
    return this.apps.get(name);
  }

  async createApp(name: string, options: FlyAppOptions = {}): Promise<FlyApp> {
    if (this.apps.has(name)) throw new Error(`a Fly app named ${name} exists already`);
    const machines: FlyMachine[] = [];
    const proxy = await FlyProxy.start(
      () => machines,
      (line) => this.log(`${name} ${line}`),
      options.autoStopEveryMs ?? DEFAULT_AUTOSTOP_EVERY_MS,
    );
    const app: FlyApp = {
      id: name,
      name,
      regions: options.regions?.length ? [...options.regions] : ['ams', 'fra'],
      machineCount: options.machines ?? 3,
      bluegreen: options.bluegreen ?? false,
      workers: options.workers ?? 0,
      standbys: options.standbys ?? false,
      compatChecks: options.compatChecks,
      createVisibilityLagMs: options.createVisibilityLagMs ?? 0,
      proxy,
      machines,
    };
    this.apps.set(name, app);
    return app;
  }

  /** Creates a machine and (unless skipped) starts it; resolves once it is launching. */
  async createMachine(app: FlyApp, spec: NewMachine): Promise<FlyMachine> {
    const machine = new FlyMachine(
      spec.name ?? randomName(),
      spec.region,
      spec.config,
      spec.image,
      {
        appName: app.name,
        registry: this.registry,
        log: (line) => {
          this.logs.add(line);
          this.log(line);
        },
        onChange: () => undefined,
      },
    );
    machine.compatChecks = app.compatChecks;
    machine.cordoned = spec.skipServiceRegistration ?? false;
    app.machines.push(machine);
    if (!spec.skipLaunch) await machine.start();
    return machine;
  }

  async close(): Promise<void> {
    const apps = [...this.apps.values()];
    this.apps.clear();
    await Promise.all(
      apps.map(async (app) => {
        await app.proxy.close();
        await Promise.all(
          app.machines.filter((m) => m.state !== 'destroyed').map((m) => m.destroy()),
        );
      }),
    );
  }
}

function randomName(): string {
  const [a = 0, b = 0, c = 0] = randomBytes(3);
  return `${ADJECTIVES[a % ADJECTIVES.length]}-${NOUNS[b % NOUNS.length]}-${1000 + c * 30}`;
}
