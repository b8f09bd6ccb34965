// Child processes of the simulator (dynos, release phases) run in their own process group so
// that stopping one also stops whatever its shell started.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import readline from 'node:readline';

const KILL_GRACE_MS = 2_000;
const GROUP_GONE_WAIT_MS = 1_000;
const GROUP_POLL_MS = 20;

/** Every live child process, so the simulator can kill them all on stop. */
export class ProcessRegistry {
  private readonly live = new Set<ChildProcess>();

  add(child: ChildProcess): void {
    this.live.add(child);
    child.once('exit', () => this.live.delete(child));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.live].map((child) => stopGroup(child)));
  }
}

export interface GroupSpawnOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly onLine: (line: string) => void;
  readonly registry: ProcessRegistry;
}

/** Runs `command` with /bin/sh in a new process group; stdout and stderr go to onLine. */
export function spawnGroup(command: string, options: GroupSpawnOptions): ChildProcess {
  const child = spawn('/bin/sh', ['-c', command], {
    cwd: options.cwd,
    env: { ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.registry.add(child);
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) readline.createInterface({ input: stream }).on('line', options.onLine);
  }
  return child;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves once the child has exited (at once if it already has). */
export function exitOf(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** SIGTERM to the whole group, SIGKILL after a grace period, like Heroku stopping a dyno. */
export async function stopGroup(child: ChildProcess, graceMs = KILL_GRACE_MS): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  signalGroup(child, 'SIGTERM');
  if (await groupGone(pgid, graceMs)) return;
  signalGroup(child, 'SIGKILL');
  await groupGone(pgid, GROUP_GONE_WAIT_MS);
  await exitOf(child);
}

/** Waits (bounded) until no process of the group is left; true when none is. */
async function groupGone(pgid: number, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, GROUP_POLL_MS));
  }
}

/**
 * Whether a process of the group still runs. Orphans are reparented to PID 1, which in some
 * containers never reaps them, so on Linux zombies are not counted.
 */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true; // no /proc: the signal probe is all there is
  }
  return entries.some((entry) => /^\d+$/.test(entry) && liveMemberOf(entry, pgid));
}

function liveMemberOf(pid: string, pgid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: state, ppid, pgrp, ...
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(pgrp) === pgid && state !== 'Z';
  } catch {
    return false; // exited while we looked
  }
}

/** The environment a dyno or release phase sees: config plus what a shell needs. */
export function processEnv(extra: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, NODE_ENV: 'production', ...extra };
}
