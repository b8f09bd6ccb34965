// The condemned release's own last lines, best effort: asked of the platform beside the
// rollback (never before it), bounded in time, and never failing the run.
import { performance } from 'node:perf_hooks';
import { errorMessage } from '../io/errors.js';
import type { Platform, Release } from '../platforms/platform.js';

export const APP_LOG_LINES = 100;
export const APP_LOG_DEADLINE_MS = 5_000;

export interface AppLogs {
  readonly lines: readonly string[];
  /** Why there are none, when there are none. */
  readonly note: string | undefined;
  /** How long the read took, from its start to its answer (or the deadline). */
  readonly elapsedMs: number;
}

/** Starts the fetch and returns at once; the promise never rejects. */
export function fetchAppLogs(
  platform: Platform,
  release: Release,
  now: () => number = () => performance.now(),
): Promise<AppLogs> {
  const started = now();
  const recent = platform.recentLogs?.bind(platform);
  if (recent === undefined) {
    return Promise.resolve({ lines: [], note: 'not available', elapsedMs: 0 });
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Omit<AppLogs, 'elapsedMs'>>((resolve) => {
    timer = setTimeout(
      () => resolve({ lines: [], note: `no answer within ${APP_LOG_DEADLINE_MS} ms` }),
      APP_LOG_DEADLINE_MS,
    );
    timer.unref();
  });
  const fetched = recent(release, APP_LOG_LINES, APP_LOG_DEADLINE_MS).then(
    (lines) => ({ lines: lines.slice(-APP_LOG_LINES), note: undefined }),
    (error: unknown) => ({ lines: [], note: errorMessage(error) }),
  );
  return Promise.race([fetched, deadline])
    .then((logs) => ({ ...logs, elapsedMs: now() - started }))
    .finally(() => clearTimeout(timer));
}
