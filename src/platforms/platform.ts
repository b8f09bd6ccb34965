// The one small interface every platform implements; the deploy flow only talks to this.

/** A release as the platform names it. */
export interface Release {
  /** The platform's id of the release: what a rollback is asked to restore. */
  readonly id: string;
  /** What people call it (Heroku: `v42`; Fly: `v7`). */
  readonly label: string;
  /** What it runs, when the platform says (Heroku: the slug id): a rollback makes a new
   * release of the same content, and that counts as the target being live. */
  readonly content?: string;
}

/** Whether `live` serves what `target` served: the same release, or a copy of its content. */
export function sameRelease(live: Release, target: Release): boolean {
  return live.id === target.id || (live.content !== undefined && live.content === target.content);
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
  /** What the platform needs besides `current.id` to restore it (Fly: every machine's
   * config), serialized, so the post step can roll back after a cancellation. */
  readonly saved?: string;
}

/** One running instance of a release as the platform sees it (Fly machine, Heroku dyno). */
export interface InstanceState {
  readonly id: string;
  readonly region: string;
  /** Image or release the instance runs. */
  readonly image: string;
  /** Platform state, e.g. `started`, `up`, `crashed`. */
  readonly state: string;
  /** Summary of the platform's own checks, e.g. `2/2 passing`, or `-` when it has none. */
  readonly checks: string;
  readonly ok: boolean;
}

/** The platform's own view of a release: every instance started, on it, checks passing. */
export interface InstanceReport {
  readonly ok: boolean;
  /** One line; for a failure, what is wrong with which instance. */
  readonly reason: string;
  readonly instances: readonly InstanceState[];
}

/** Where log lines go: the action passes `core.info` inside a group; tests pass a collector. */
export type LogLine = (line: string) => void;

export interface Platform {
  /** Reads the app and the release live now. Fails clearly when the app does not exist. */
  snapshot(): Promise<Snapshot>;
  /** Ships `commit` and resolves once the new release is live (release phase done).
   * Throws `DeployError` with `liveChanged` telling whether the live release may differ.
   * `signal` (a cancelled job) stops a CLI it runs: forwarded, then waited for. */
  push(commit: string, log: LogLine, signal?: AbortSignal): Promise<Release>;
  /** The release the platform serves now. */
  liveRelease(): Promise<Release>;
  /** Makes `target` live again and resolves once the release doing so is live. */
  rollback(target: Release, log: LogLine): Promise<Release>;
  /** Waits (up to `timeoutMs`) until every instance runs `release`, started, its platform
   * checks passing; resolves with the report either way. */
  inspect(release: Release, timeoutMs: number): Promise<InstanceReport>;
  /** The release a manual rollback goes to: `spec` (Heroku `v41`, Fly image or release) or,
   * when undefined, the release before the live one. Throws when there is none. */
  resolveTarget(spec: string | undefined): Promise<Release>;
  /** Waits (up to `timeoutMs`) until no build or release of the app is in flight, e.g. one
   * a cancelled run started: a rollback must come after it, not before. */
  settle?(timeoutMs: number): Promise<void>;
  /** Loads `Snapshot.saved` from an earlier process (the post step) before `rollback`. */
  adoptSaved?(saved: string): void;
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

/** What the Fly platform needs on top. */
export interface FlySettings extends PlatformSettings {
  /** Absolute path of the fly.toml passed to flyctl. */
  readonly flyConfig: string;
  /** Prebuilt image to deploy (`flyctl deploy --image`); undefined: build from sourceDir. */
  readonly image: string | undefined;
  /** Extra `flyctl deploy` arguments, already split (never through a shell). */
  readonly flyctlArgs: readonly string[];
  /** Absolute path of the flyctl executable found on PATH. */
  readonly flyctlPath: string;
}
