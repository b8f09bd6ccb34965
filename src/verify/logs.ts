// The condemned release's own last lines, best effort: asked of the platform beside the
// rollback (never before it), bounded in time, and never failing the run.
import { errorMessage } from '../io/errors.js';
import type { Platform, Release } from '../platforms/platform.js';

export const APP_LOG_LINES = 100;
export const APP_LOG_DEADLINE_MS = 5_000;

export interface AppLogs {
  readonly lines: readonly string[];
  /** Why there are none, when there are none. */
  readonly note: string | undefined;
}

/** Starts the fetch and returns at once; the promise never rejects. */
export function fetchAppLogs(platform: Platform, release: Release): Promise<AppLogs> {
  const recent = platform.recentLogs?.bind(platform);
  if (recent === undefined) return Promise.resolve({ lines: [], note: 'not available' });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<AppLogs>((resolve) => {
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
  return Promise.race([fetched, deadline]).finally(() => clearTimeout(timer));
}
