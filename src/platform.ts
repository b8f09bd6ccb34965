// The one small interface every platform implements; the deploy flow only talks to this.

/** A release as the platform names it. */
export interface Release {
  /** The platform's id of the release: what a rollback is asked to restore. */
  readonly id: string;
  /** What people call it (Heroku: `v42`; Fly: `v7`). */
  readonly label: string;
}

/** What is live before the deploy: the rollback target, read before anything changes. */
export interface Snapshot {
  readonly current: Release;
  /** Where the app answers by default (Heroku `web_url`), used to build `health-url`. */
  readonly webUrl: string;
  /** Seconds the old release may keep serving after a release (Heroku preboot). */
  readonly switchoverSeconds: number;
  /** Things the user should know before the deploy starts (e.g. preboot is on). */
  readonly notices: readonly string[];
}

/** Where log lines go: the action passes `core.info` inside a group; tests pass a collector. */
export type LogLine = (line: string) => void;

export interface Platform {
  /** Reads the app and the release live now. Fails clearly when the app does not exist. */
  snapshot(): Promise<Snapshot>;
  /** Ships `commit` and resolves once the new release is live (release phase done).
   * Throws `DeployError` with `liveChanged` telling whether the live release may differ. */
  push(commit: string, log: LogLine): Promise<Release>;
  /** The release the platform serves now. */
  liveRelease(): Promise<Release>;
  /** Makes `target` live again and resolves once the release doing so is live. */
  rollback(target: Release, log: LogLine): Promise<Release>;
  /** Closes kept-alive connections. */
  close(): Promise<void>;
}

/** What a platform implementation needs from the settings. */
export interface PlatformSettings {
  readonly app: string;
  /** Base URL without a trailing slash, e.g. `https://api.heroku.com`. */
  readonly apiUrl: string;
  readonly apiToken: string;
  /** Absolute path of the directory to ship (inside a git work tree). */
  readonly sourceDir: string;
  /** `name/version` of this action, sent as the User-Agent. */
  readonly userAgent: string;
}
