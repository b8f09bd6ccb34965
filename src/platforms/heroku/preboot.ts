// The preboot window (Dev Center "Preboot"): after a release the new dynos are listed at once,
// but requests reach them only about 3 minutes later (2 minutes after the app's boot
// timeout, 60 s by default); until then the old release answers the health URL.

const DEFAULT_BOOT_TIMEOUT_S = 60;
const SWITCH_AFTER_BOOT_S = 120;
const MARGIN_S = 30;

/** Set it when Heroku raised the app's boot timeout (it then must cover timeout + 2 min).
 * Seconds, fractions allowed (the end-to-end tests scale the window down with it). */
export const PREBOOT_WINDOW_ENV = 'GUARDED_DEPLOY_HEROKU_PREBOOT_WINDOW';

export const defaultPrebootWindowMs =
  (DEFAULT_BOOT_TIMEOUT_S + SWITCH_AFTER_BOOT_S + MARGIN_S) * 1000;

/** The window from the environment, else the default; a clear error for a bad value. */
export function prebootWindowMs(env: NodeJS.ProcessEnv): number {
  const raw = env[PREBOOT_WINDOW_ENV]?.trim();
  if (raw === undefined || raw === '') return defaultPrebootWindowMs;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(seconds) || seconds > 3600) {
    throw new Error(
      `${PREBOOT_WINDOW_ENV}='${raw}' is not allowed: give seconds from 0 to 3600 ` +
        `(default ${defaultPrebootWindowMs / 1000}: boot timeout 60 s + 2 min + 30 s margin)`,
    );
  }
  return Math.round(seconds * 1000);
}

export function prebootNotice(app: string, windowMs: number): string {
  const seconds = Math.round(windowMs / 1000);
  return (
    `Preboot is enabled on ${app}: for about ${seconds} s after a release (boot timeout + ` +
    '2 min, plus a margin) the previous release keeps answering requests. Without ' +
    '`version-url`, passing health polls count only after that window, since they may come ' +
    'from the previous release; set `version-url` so the action can tell which release ' +
    'answered and judge at once.'
  );
}
