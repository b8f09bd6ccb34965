// One Fly Machine: its config versions, state machine (created → starting → started →
// stopping → stopped, replacing on update, destroying → destroyed), lease, events, and the
// process that runs its image's Procfile `web` command with health checks against it.
import type { ChildProcess } from 'node:child_process';
import { readProcfile } from '../heroku/procfile.js';
import { freePort } from '../router/dyno.js';
import { processEnv, spawnGroup, stopGroup } from '../router/process-group.js';
import type { ProcessRegistry } from '../router/process-group.js';
import { CheckRunner, checksOf } from './checks.js';
import type { CheckState } from './checks.js';
import { machineId, privateIp, ulid } from './ids.js';
import type { ImageRecord } from './image-store.js';

export type MachineState =
  | 'created'
  | 'starting'
  | 'started'
  | 'stopping'
  | 'stopped'
  | 'replacing'
  | 'destroying'
  | 'destroyed';

export interface MachineEventRecord {
  readonly id: string;
  readonly type: string;
  readonly status: string;
  readonly source: 'user' | 'flyd';
  readonly timestamp: number;
  readonly request?: Record<string, unknown>;
}

export interface LeaseRecord {
  readonly nonce: string;
  readonly owner: string;
  readonly description: string;
  readonly expiresAt: number;
  readonly version: string;
}

export interface MachineVersionRecord {
  readonly version: string;
  readonly config: Record<string, unknown>;
}

export interface MachineDeps {
  readonly appName: string;
  readonly registry: ProcessRegistry;
  readonly log: (line: string) => void;
  /** Called on every state or check change (wakes waiters, informs the proxy). */
  readonly onChange: () => void;
}

const MAX_EVENTS = 20;
const DEFAULT_MAX_RETRIES = 10;
const RESTART_DELAY_MS = 300;

export class FlyMachine {
  readonly id = machineId();
  readonly privateIp = privateIp();
  readonly createdAtMs = Date.now();
  /** Until then the API answers 404 for it, "not visible yet" (set by the create route). */
  visibleAtMs = 0;
  readonly createdAt = new Date(this.createdAtMs).toISOString();
  updatedAt = this.createdAt;
  instanceId = ulid();
  state: MachineState = 'created';
  cordoned = false;
  /** Status of the synthetic `bg_deployments_compat` check, when flaps adds one. */
  compatChecks: 'passing' | 'warning' | 'critical' | undefined;
  /** Stopped on request (API or the proxy's autostop), not by its process exiting. */
  stopRequested = false;
  /** Its host cannot be reached: the API answers `incomplete_config`, changes fail. */
  hostUnreachable = false;
  /** When the current run began (ms), for the proxy's autostop. */
  startedAt = 0;
  lease: LeaseRecord | undefined;
  port: number | undefined;
  readonly versions: MachineVersionRecord[] = [];
  private readonly eventLog: MachineEventRecord[] = [];
  private child: ChildProcess | undefined;
  private checkRunner: CheckRunner | undefined;
  private restarts = 0;
  /** Bumped by every user action, so a superseded launch or exit handler does nothing. */
  private generation = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly region: string,
    public config: Record<string, unknown>,
    public image: ImageRecord,
    private readonly deps: MachineDeps,
  ) {
    this.versions.unshift({ version: this.instanceId, config });
    this.addEvent('launch', 'created', 'user');
  }

  get events(): readonly MachineEventRecord[] {
    return this.eventLog;
  }

  get checks(): readonly CheckState[] {
    return this.checkRunner?.states ?? checksOf(this.config).map(notYetRun);
  }

  /**
   * Started, with a service registered with the proxy and every check passing: what
   * fly-proxy routes to.
   */
  get routable(): boolean {
    const services = this.config.services;
    return (
      Array.isArray(services) &&
      services.length > 0 &&
      this.state === 'started' &&
      !this.cordoned &&
      this.port !== undefined &&
      this.checks.every((check) => check.status === 'passing')
    );
  }

  leaseActive(now = Date.now()): LeaseRecord | undefined {
    if (this.lease && this.lease.expiresAt * 1000 > now) return this.lease;
    this.lease = undefined;
    return undefined;
  }

  /** Starts a created or stopped machine. */
  async start(): Promise<void> {
    const generation = ++this.generation;
    this.restarts = 0;
    this.addEvent('start', 'starting', 'user');
    await this.launch(generation);
  }

  async stop(): Promise<void> {
    const generation = ++this.generation;
    this.setState('stopping');
    await this.stopProcess('machine is stopped');
    if (generation !== this.generation) return;
    this.addEvent('exit', 'stopped', 'flyd', {
      exit_event: { exit_code: 0, requested_stop: true },
    });
    this.stopRequested = true;
    this.setState('stopped');
  }

  /** Replaces the whole config (a new instance), restarting the machine with it. */
  async update(
    config: Record<string, unknown>,
    image: ImageRecord,
    skipLaunch: boolean,
  ): Promise<void> {
    const generation = ++this.generation;
    this.config = config;
    this.image = image;
    this.instanceId = ulid();
    this.versions.unshift({ version: this.instanceId, config });
    this.addEvent('update', 'replacing', 'user');
    this.setState('replacing');
    await this.stopProcess('machine is being replaced');
    if (generation !== this.generation) return;
    if (skipLaunch) {
      this.setState('stopped');
      return;
    }
    this.restarts = 0;
    await this.launch(generation);
  }

  async destroy(): Promise<void> {
    ++this.generation;
    this.lease = undefined;
    this.setState('destroying');
    await this.stopProcess('machine is destroyed');
    this.addEvent('destroy', 'destroyed', 'user');
    this.setState('destroyed');
  }

  /** Resolves true once the machine is in one of `states` (for `instanceId`, if given). */
  waitFor(
    states: readonly string[],
    instanceId: string | undefined,
    timeoutMs: number,
  ): Promise<boolean> {
    const reached = (): boolean =>
      (instanceId === undefined || instanceId === this.instanceId) &&
      states.some((state) =>
        state === 'settled'
          ? ['started', 'stopped', 'destroyed'].includes(this.state)
          : this.state === state,
      );
    if (reached()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!reached()) return;
        finish(true);
      };
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      const timer = setTimeout(() => finish(reached()), timeoutMs);
      this.waiters.add(check);
    });
  }

  private async launch(generation: number): Promise<void> {
    this.setState('starting');
    // A process group's `init.cmd` (from fly.toml [processes]) overrides the image's command.
    const init = isRecord(this.config.init) ? this.config.init : {};
    const cmd = Array.isArray(init.cmd) ? init.cmd.filter((part) => typeof part === 'string') : [];
    const command = cmd.length > 0 ? cmd.join(' ') : (await readProcfile(this.image.dir))?.web;
    const port = await freePort();
    if (generation !== this.generation) return;
    if (command === undefined) {
      this.deps.log(`fly[${this.id}]: image ${this.image.tag} has no Procfile web command`);
      this.addEvent('exit', 'stopped', 'flyd', { exit_event: { exit_code: 127 } });
      this.setState('stopped');
      return;
    }
    this.port = port;
    const env = isStringRecord(this.config.env) ? this.config.env : {};
    const metadata = isStringRecord(this.config.metadata) ? this.config.metadata : {};
    const tag = `${this.deps.appName}[${this.id}] ${this.region} [info]`;
    const child = spawnGroup(command, {
      cwd: this.image.dir,
      env: processEnv({
        ...env,
        PORT: String(port),
        FLY_APP_NAME: this.deps.appName,
        FLY_MACHINE_ID: this.id,
        FLY_ALLOC_ID: this.id,
        FLY_REGION: this.region,
        FLY_PRIVATE_IP: this.privateIp,
        FLY_IMAGE_REF: `${this.image.registry}/${this.image.repository}:${this.image.tag}`,
        FLY_MACHINE_VERSION: this.instanceId,
        FLY_PROCESS_GROUP: metadata.fly_process_group ?? 'app',
      }),
      onLine: (line) => this.deps.log(`${tag} ${line}`),
      registry: this.deps.registry,
    });
    this.child = child;
    child.once('exit', (code, signal) => this.onExit(generation, child, code, signal));
    this.checkRunner = new CheckRunner(checksOf(this.config), port, () => this.changed());
    this.checkRunner.start();
    this.addEvent('start', 'started', 'flyd');
    this.startedAt = Date.now();
    this.stopRequested = false;
    this.setState('started');
  }

  private onExit(
    generation: number,
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    if (generation !== this.generation || this.child !== child) return; // asked to stop
    this.child = undefined;
    this.port = undefined;
    this.checkRunner?.stop('machine process exited');
    this.deps.log(`fly[${this.id}]: main process exited with ${code ?? signal}`);
    this.addEvent('exit', 'stopped', 'flyd', {
      exit_event: { exit_code: code ?? -1, requested_stop: false },
      restart_count: this.restarts,
    });
    const restart = isRecord(this.config.restart) ? this.config.restart : {};
    const policy = typeof restart.policy === 'string' ? restart.policy : 'on-failure';
    const maxRetries =
      typeof restart.max_retries === 'number' ? restart.max_retries : DEFAULT_MAX_RETRIES;
    const again =
      policy === 'always' || (policy === 'on-failure' && code !== 0 && this.restarts < maxRetries);
    this.setState('stopped');
    if (!again) {
      // `auto_destroy`: the machine destroys itself once its process is done (Machines API
      // MachineConfig; flyctl's release_command machines rely on it).
      if (this.config.auto_destroy === true) void this.destroy();
      return;
    }
    this.restarts += 1;
    setTimeout(() => {
      if (generation === this.generation && this.state === 'stopped') void this.launch(generation);
    }, RESTART_DELAY_MS);
  }

  private async stopProcess(reason: string): Promise<void> {
    this.checkRunner?.stop(reason);
    const child = this.child;
    this.child = undefined;
    this.port = undefined;
    if (child) await stopGroup(child);
  }

  private setState(next: MachineState): void {
    if (this.state === next) return;
    this.deps.log(`fly[${this.id}]: ${this.state} -> ${next}`);
    this.state = next;
    this.changed();
  }

  private changed(): void {
    this.updatedAt = new Date().toISOString();
    for (const waiter of [...this.waiters]) waiter();
    this.deps.onChange();
  }

  private addEvent(
    type: string,
    status: string,
    source: 'user' | 'flyd',
    request?: Record<string, unknown>,
  ): void {
    this.eventLog.unshift({
      id: ulid(),
      type,
      status,
      source,
      timestamp: Date.now(),
      ...(request ? { request } : {}),
    });
    this.eventLog.length = Math.min(this.eventLog.length, MAX_EVENTS);
  }
}

function notYetRun(spec: { name: string }): CheckState {
  return {
    name: spec.name,
    status: 'critical',
    output: 'machine is not running',
    updatedAt: new Date().toISOString(),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((entry) => typeof entry === 'string');
}
