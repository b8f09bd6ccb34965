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
  /** Fly: the image as people read it where the machines are listed (tag and the start of the
   * digest, `deployment-01J…@sha256:…`); for words only, never compared. */
  readonly image?: string;
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
  /** What a rollback to `current` restores, read before anything changes; the post step
   * saves and loads it as this value. */
  readonly restore: RestorePlan;
}

/** A Fly config, kept whole to be sent back verbatim. */
export type MachineConfig = Readonly<Record<string, unknown>>;

/** A machine as it was before the deploy: what a rollback puts back (Fly). */
export interface SavedMachine {
  readonly id: string;
  readonly region: string;
  /** Changes with every update: an unchanged one means the deploy left the machine alone. */
  readonly instanceId: string;
  readonly config: MachineConfig;
  /** `config.image`. */
  readonly configImage: string;
  /** `sha256:...` of the image it ran, when the API said. */
  readonly digest: string | undefined;
  /** What names its release (the image pinned by digest, else the config image). */
  readonly image: string;
  /** Fly state before the deploy: one not running is put back without being started. */
  readonly state: string;
  /** Fly sent only a partial config (host unreachable): never sent back, never recreated. */
  readonly incompleteConfig?: boolean;
}

/** What `rollback` does to make `target` live again. */
export type RestorePlan =
  /** Make `target` live by its id: Heroku re-releases it; Fly moves every machine onto the
   * image `target.id` with its current config. */
  | { readonly kind: 'release'; readonly target: Release }
  /** Fly after a deploy: every machine back on its own config as it was, the deploy's extra
   * machines destroyed, the destroyed ones recreated. */
  | {
      readonly kind: 'machines';
      readonly target: Release;
      readonly machines: readonly SavedMachine[];
    }
  /** Fly manual rollback: each machine (by id) onto the config its history lists for
   * `target`; a machine not listed gets its current config with the target image. */
  | {
      readonly kind: 'configs';
      readonly target: Release;
      readonly configs: Readonly<Record<string, MachineConfig>>;
    };

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
  /** The commit `live` runs, when the platform can tell (a re-run then skips the build). */
  liveCommit?(live: Release): Promise<string | undefined>;
  /** Makes `plan.target` live again and resolves once the release doing so is live. */
  rollback(plan: RestorePlan, log: LogLine): Promise<Release>;
  /** Waits (up to `timeoutMs`) until every instance runs `release`, started, its platform
   * checks passing; resolves with the report either way. */
  inspect(release: Release, timeoutMs: number): Promise<InstanceReport>;
  /** How a manual rollback goes to `spec` (Heroku `v41`, Fly image or release) or, when
   * undefined, to the release before the live one. Throws when there is none. */
  resolveTarget(spec: string | undefined): Promise<RestorePlan>;
  /** Instances of `release` the platform shows as crashed, each as one line naming it and
   * how it ended (`web.1 crashed: exit 1`); empty when none has. Asked while polling, so a
   * crash-looping release is condemned without waiting out `health-timeout`. */
  crashedInstances?(release: Release): Promise<readonly string[]>;
  /** The last `maxLines` lines the app's processes printed, as the platform keeps them
   * (Heroku log session, Fly logs API), within `deadlineMs`. */
  recentLogs?(release: Release, maxLines: number, deadlineMs: number): Promise<readonly string[]>;
  /** Other deploys of the app in flight now, one line each naming who holds it (Heroku: a
   * pending build or release; Fly: a machine leased); empty when none. Asked before the push,
   * when this run has started nothing yet. */
  deploysInFlight?(): Promise<readonly string[]>;
  /** What `release` runs, to deploy elsewhere exactly (Heroku slug id, Fly image pinned by
   * digest); undefined when the platform cannot name it. */
  artifactOf?(release: Release): Promise<string | undefined>;
  /** Waits (up to `timeoutMs`) until no build or release of the app is in flight, e.g. one
   * a cancelled run started: a rollback must come after it, not before. */
  settle?(timeoutMs: number): Promise<void>;
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
  /** Deploy exactly this instead of building (Heroku: a slug id; Fly passes it as `image`). */
  readonly artifact?: string;
}

/** What `flyctl deploy` needs on top: only the deploy mode has them (no other mode runs
 * flyctl, so none needs a flyctl path). */
export interface FlyDeploySettings {
  /** Absolute path of the fly.toml passed to flyctl. */
  readonly flyConfig: string;
  /** Prebuilt image to deploy (`flyctl deploy --image`); undefined: build from sourceDir. */
  readonly image: string | undefined;
  /** Extra `flyctl deploy` arguments, already split (never through a shell). */
  readonly flyctlArgs: readonly string[];
  /** Absolute path of the flyctl executable found on PATH. */
  readonly flyctlPath: string;
}

/** What the Fly platform is built from: `fly` is undefined in the modes that run no flyctl. */
export interface FlySettings extends PlatformSettings {
  readonly fly: FlyDeploySettings | undefined;
}
