// Peak resident memory of a child process of the bench, read from /proc while it runs
// (VmHWM is the kernel's high-water mark, so the last reading before exit is the peak).
import { readdir, readFile } from 'node:fs/promises';
import { sleep } from './clock.js';

const POLL_MS = 25;

/** Pid of a live child of this process whose command line contains `needle`. */
async function findChild(needle: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

async function highWaterKb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Watches the child matching `needle` until `done` settles; resolves with its peak RSS in
 * bytes (NaN if it was never seen). */
export async function watchPeakRss(needle: string, done: Promise<unknown>): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => undefined);
  let pid: number | undefined;
  let peakKb = Number.NaN;
  // Bounded by the run itself; the count is a backstop (an hour of polls).
  for (let tick = 0; !finished && tick < 144_000; tick += 1) {
    pid ??= await findChild(needle);
    if (pid !== undefined) {
      const kb = await highWaterKb(pid);
      if (kb !== undefined) peakKb = Number.isNaN(peakKb) ? kb : Math.max(peakKb, kb);
    }
    await sleep(POLL_MS);
  }
  return peakKb * 1024;
}
