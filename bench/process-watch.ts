// Watches a child process of the bench from /proc while it runs: its peak resident memory
// (VmHWM is the kernel's high-water mark, so the last reading before exit is the peak) and
// when one of its own children (e.g. the `git archive` the action runs) started and ended.
import { readdir, readFile, readlink } from 'node:fs/promises';
import { nowMs, sleep } from './clock.js';

const POLL_MS = 10;
/** Bounded by the run itself; the count is a backstop (an hour of polls). */
const MAX_POLLS = 360_000;

export interface ChildSpan {
  /** Its command line. */
  readonly argv: readonly string[];
  /** Epoch ms of the first poll that saw it and of the first that found it gone (or a
   * zombie): each up to POLL_MS late, so the duration is good to about POLL_MS. */
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface ProcessWatch {
  /** Peak RSS of the watched process in bytes (NaN if it was never seen). */
  readonly peakRssBytes: number;
  /** The first child whose command line matched, when one was seen to start and end. */
  readonly child: ChildSpan | undefined;
}

async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined; // the process ended while we looked
  }
}

function parentOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function isGone(stat: string | undefined): boolean {
  return stat === undefined || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** Which process to watch: other measures may run the same program at the same time. */
export interface ProcessMatch {
  /** Part of its command line (NUL-separated arguments, e.g. `\0archive\0`). */
  readonly needle: string;
  /** Its working directory, when that tells it apart. */
  readonly cwd?: string;
}

async function cwdOf(pid: number): Promise<string | undefined> {
  try {
    return await readlink(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/** A live child of `parent` that matches, with its command line. */
async function findChild(
  parent: number,
  match: ProcessMatch,
): Promise<{ pid: number; argv: string[] } | undefined> {
  // /proc/<pid>/task/<pid>/children is cheap but needs CONFIG_PROC_CHILDREN; scan otherwise.
  const listed = await readOrUndefined(`/proc/${parent}/task/${parent}/children`);
  const candidates =
    listed === undefined
      ? (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry)).map(Number)
      : listed.trim().split(/\s+/).filter(Boolean).map(Number);
  for (const pid of candidates) {
    const stat = await readOrUndefined(`/proc/${pid}/stat`);
    if (stat === undefined || parentOf(stat) !== parent) continue;
    const cmdline = await readOrUndefined(`/proc/${pid}/cmdline`);
    if (!cmdline?.includes(match.needle)) continue;
    if (match.cwd === undefined || (await cwdOf(pid)) === match.cwd) {
      return { pid, argv: cmdline.split('\0').filter((arg) => arg !== '') };
    }
  }
  return undefined;
}

async function highWaterKb(pid: number): Promise<number | undefined> {
  const status = await readOrUndefined(`/proc/${pid}/status`);
  const match = status === undefined ? null : /^VmHWM:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

/** Watches the bench's child that matches `target` until `done` settles, and the lifetime of
 * its first child that matches `grandchildTarget`; `onGrandchildEnded` runs as soon as that
 * one is seen gone, while its parent still runs (e.g. to keep a file it wrote). */
export async function watchProcess(
  target: ProcessMatch,
  grandchildTarget: ProcessMatch,
  done: Promise<unknown>,
  onGrandchildEnded?: (span: ChildSpan) => Promise<void>,
): Promise<ProcessWatch> {
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => undefined);
  let pid: number | undefined;
  let peakKb = Number.NaN;
  let grandchild: { pid: number; argv: string[]; startedAt: number } | undefined;
  let child: ChildSpan | undefined;
  for (let tick = 0; !finished && tick < MAX_POLLS; tick += 1) {
    pid ??= (await findChild(process.pid, target))?.pid;
    if (pid !== undefined) {
      const kb = await highWaterKb(pid);
      if (kb !== undefined) peakKb = Number.isNaN(peakKb) ? kb : Math.max(peakKb, kb);
      if (grandchild === undefined && child === undefined) {
        const found = await findChild(pid, grandchildTarget);
        if (found !== undefined) grandchild = { ...found, startedAt: nowMs() };
      } else if (grandchild !== undefined) {
        if (isGone(await readOrUndefined(`/proc/${grandchild.pid}/stat`))) {
          child = { argv: grandchild.argv, startedAt: grandchild.startedAt, endedAt: nowMs() };
          grandchild = undefined;
          await onGrandchildEnded?.(child);
        }
      }
    }
    await sleep(POLL_MS);
  }
  return { peakRssBytes: peakKb * 1024, child };
}
