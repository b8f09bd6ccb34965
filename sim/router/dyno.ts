// One web dyno: a process running the Procfile's web command in a release's slug directory.
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { exitOf, processEnv, spawnGroup, stopGroup } from './process-group.js';
import type { ProcessRegistry } from './process-group.js';

export type DynoState = 'starting' | 'up' | 'crashed' | 'down';

export interface DynoSpec {
  readonly name: string;
  readonly command: string;
  readonly slugDir: string;
  readonly release: { readonly id: string; readonly version: number };
  /** First cool-off before a crashed dyno restarts; it doubles with each further crash. */
  readonly crashRestartMs: number;
  readonly registry: ProcessRegistry;
  readonly log: (line: string) => void;
}

const PORT_POLL_MS = 50;
/** Heroku's R10: a web process that has not bound $PORT after 60 s is killed. */
export const BOOT_DEADLINE_MS = 60_000;
/** Dev Center "Dyno Restarts" (crash restart policy) and changelog item 344: after the
 * first crash a dyno restarts at once; crashing again in a row, after an exponentially
 * growing cool-off, up to 20 minutes. */
const MAX_CRASH_COOL_OFF_MS = 20 * 60_000;

export class Dyno {
  readonly id = randomUUID();
  readonly createdAt = new Date().toISOString();
  updatedAt = this.createdAt;
  port: number | undefined;
  private currentState: DynoState = 'starting';
  private child: ChildProcess | undefined;
  private readonly settleWaiters = new Set<() => void>();
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(readonly spec: DynoSpec) {}

  get state(): DynoState {
    return this.currentState;
  }

  get type(): string {
    return this.spec.name.split('.')[0] ?? 'web';
  }

  async start(): Promise<void> {
    if (this.currentState !== 'starting' || this.child) return;
    const port = await freePort();
    if (this.currentState !== 'starting') return; // stopped while we looked for a port
    this.port = port;
    const tag = `app[${this.spec.name}]:`;
    this.spec.log(
      `heroku[${this.spec.name}]: Starting process with command \`${this.spec.command}\``,
    );
    const child = spawnGroup(this.spec.command, {
      cwd: this.spec.slugDir,
      env: processEnv({ PORT: String(port), DYNO: this.spec.name }),
      onLine: (line) => this.spec.log(`${tag} ${line}`),
      registry: this.spec.registry,
    });
    this.child = child;
    child.once('exit', (code, signal) => {
      this.spec.log(`heroku[${this.spec.name}]: Process exited with status ${code ?? signal}`);
      // A restarted dyno has a new child: the exit of an earlier one changes nothing.
      if (this.child !== child || this.currentState === 'down') return;
      if (this.currentState !== 'crashed') this.crashed();
    });
    void this.watchBoot(port);
  }

  /** Resolves with the state once the dyno is no longer starting, or at the deadline. */
  waitSettled(timeoutMs: number): Promise<DynoState> {
    if (this.currentState !== 'starting') return Promise.resolve(this.currentState);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.settleWaiters.delete(done);
        resolve(this.currentState);
      };
      const timer = setTimeout(done, timeoutMs);
      this.settleWaiters.add(done);
    });
  }

  async stop(): Promise<void> {
    clearTimeout(this.restartTimer);
    const wasRunning = this.currentState === 'starting' || this.currentState === 'up';
    this.setState('down');
    if (!this.child) return;
    if (wasRunning) this.spec.log(`heroku[${this.spec.name}]: Stopping all processes with SIGTERM`);
    await stopGroup(this.child);
  }

  private setState(next: DynoState): void {
    if (this.currentState === next) return;
    this.spec.log(`heroku[${this.spec.name}]: State changed from ${this.currentState} to ${next}`);
    this.currentState = next;
    this.updatedAt = new Date().toISOString();
    for (const waiter of [...this.settleWaiters]) waiter();
  }

  private async watchBoot(port: number): Promise<void> {
    const deadline = Date.now() + BOOT_DEADLINE_MS;
    while (this.currentState === 'starting' && Date.now() < deadline) {
      if (await acceptsConnections(port)) {
        if (this.currentState === 'starting') this.setState('up');
        return;
      }
      await sleep(PORT_POLL_MS);
    }
    if (this.currentState !== 'starting' || !this.child) return;
    this.spec.log(
      `heroku[${this.spec.name}]: Error R10 (Boot timeout) -> Web process failed to bind to ` +
        `$PORT within ${BOOT_DEADLINE_MS / 1000} seconds of launch`,
    );
    const child = this.child;
    this.crashed();
    await stopGroup(child);
    await exitOf(child);
  }

  /** Marks the dyno crashed and schedules its restart after the cool-off. */
  private crashed(): void {
    this.setState('crashed');
    this.crashes += 1;
    const coolOff =
      this.crashes === 1
        ? 0
        : Math.min(this.spec.crashRestartMs * 2 ** (this.crashes - 2), MAX_CRASH_COOL_OFF_MS);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.currentState !== 'crashed') return;
      this.spec.log(`heroku[${this.spec.name}]: State changed from crashed to starting`);
      this.currentState = 'starting';
      this.updatedAt = new Date().toISOString();
      this.child = undefined;
      void this.start();
    }, coolOff);
    this.restartTimer.unref();
  }
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** Ports handed out lately in this process, with when: between freePort and the app's own
 * bind the port is free again, and another machine of this process starting at the same time
 * (parallel rolling, many lanes) could be handed it too; its app then exits on EADDRINUSE. */
const handedOut = new Map<number, number>();
const HANDED_OUT_MS = 60_000;

/** Where an app's port is drawn from: below the kernel's ephemeral range, which every
 * outgoing connection on the machine takes its local port from; a port the OS hands out for
 * `listen(0)` comes from that range, and under load a connection took one before the app
 * bound it (the app exited on EADDRINUSE and the simulator recorded a crash no platform
 * would: a real dyno or machine binds its port alone in its own network namespace). */
const APP_PORTS_FROM = 15_000;

/** A free port on 127.0.0.1 for an app to bind (released again before it binds), never one
 * handed out by this process within the last minute (bounded: 50 tries, then the OS's). */
export async function freePort(): Promise<number> {
  const now = Date.now();
  for (const [port, at] of handedOut) if (now - at > HANDED_OUT_MS) handedOut.delete(port);
  const below = await ephemeralLow();
  for (let attempt = 1; attempt <= 50 && below > APP_PORTS_FROM + 1_000; attempt += 1) {
    const port = APP_PORTS_FROM + Math.floor(Math.random() * (below - APP_PORTS_FROM));
    if (handedOut.has(port)) continue;
    handedOut.set(port, now); // taken before the await: concurrent asks never share it
    if (await canBind(port)) return port;
    handedOut.delete(port);
  }
  let port = await askOsForPort();
  for (let attempt = 1; attempt < 20 && handedOut.has(port); attempt += 1) {
    port = await askOsForPort();
  }
  handedOut.set(port, now);
  return port;
}

let ephemeralLowCache: number | undefined;

/** The first port of the kernel's ephemeral range (Linux `ip_local_port_range`), else the
 * IANA dynamic range's 49152. */
async function ephemeralLow(): Promise<number> {
  if (ephemeralLowCache !== undefined) return ephemeralLowCache;
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '');
  const low = Number(range.trim().split(/\s+/)[0]);
  ephemeralLowCache = Number.isInteger(low) && low > 0 ? low : 49_152;
  return ephemeralLowCache;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function askOsForPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not get a free port'));
      });
    });
  });
}
