// Fly.io: deploys with flyctl (the only supported way to build and roll out a Fly Launch app),
// reads and judges the machines through the Machines API, and rolls back by putting every
// machine back on the config it had before the deploy, through the Machines API.

import { commitOfMachines } from './live-commit.js';
import { abortOnProcessSignals, startCli } from '../../io/child-process.js';
import { DeployError, errorMessage } from '../../io/errors.js';
import { parseFlyToken } from './token.js';
import type {
  FlyDeploySettings,
  FlySettings,
  InstanceReport,
  LogLine,
  MachineConfig,
  Platform,
  PlatformSettings,
  Release,
  RestorePlan,
  Snapshot,
} from '../platform.js';
import { createApiClient, defaultApiClientDeps } from '../kit/api-client.js';
import type { ApiClientDeps } from '../kit/api-client.js';
import { pollUntil } from '../kit/poll.js';
import { FlyApi } from './api.js';
import { runFlyctlDeploy } from './run-flyctl.js';
import type { FlyctlDeps } from './run-flyctl.js';
import {
  groupByImage,
  imageOfConfig,
  instanceOf,
  isAppMachine,
  releaseOf,
  releaseVersionOf,
  runsRelease,
  savedMachine,
  tagOf,
} from './machine.js';
import type { FlyMachine, ReleaseHint } from './machine.js';
import { deployArgs, imageLabelFor } from './deploy-command.js';
import { MachineRestorer } from './restore.js';
import { releaseFromMachines } from './release-from-machines.js';
import { judgeMachine, restingStates } from './serving.js';
import { machineCrash } from './crash.js';
import { flyAppLogs } from './logs.js';

export interface FlyDeps extends ApiClientDeps, FlyctlDeps {
  /** Waits between machine reads in `inspect`; they grow and the last one repeats. */
  readonly pollIntervalsMs: readonly number[];
  /** Hard cap on reads of one `inspect`, whatever the clock says. */
  readonly maxPolls: number;
  /** The whole `flyctl deploy`, build included. */
  readonly deployTimeoutMs: number;
  /** Between SIGINT, SIGTERM and SIGKILL when flyctl has to be stopped. */
  readonly stopGraceMs: number;
  /** How long one machine may take to start again during a rollback. */
  readonly machineWaitMs: number;
  readonly waitRequestSeconds: number;
  readonly leaseAttempts: number;
  readonly leaseRetryMs: number;
  /** A rollback's whole budget, from its first attempt: a held lease is waited for out of it. */
  readonly rollbackBudgetMs: number;
  /** Kept back from that budget for restoring a machine once its lease is taken. */
  readonly leaseReserveMs: number;
}

export const defaultFlyDeps: FlyDeps = {
  ...defaultApiClientDeps,
  pollIntervalsMs: [1_000, 2_000, 3_000, 5_000],
  maxPolls: 1_000,
  deployTimeoutMs: 60 * 60_000,
  // The runner kills the job 7.5 s after its SIGINT: leave flyctl most of that.
  stopGraceMs: 5_000,
  machineWaitMs: 5 * 60_000,
  waitRequestSeconds: 60,
  leaseAttempts: 5,
  leaseRetryMs: 3_000,
  // GitHub force-ends a cancelled job 5 minutes after the cancellation (workflow cancellation
  // reference): the post step's rollback has that long, less a minute to verify and report.
  rollbackBudgetMs: 4 * 60_000,
  leaseReserveMs: 60_000,
  runFlyctl: (command, args, options) => startCli(command, args, options).result,
  watchSignals: abortOnProcessSignals,
};

/** `settings.fly` is undefined in the modes that run no flyctl (rollback, verify). */
export function createFlyPlatform(settings: FlySettings, deps: Partial<FlyDeps> = {}): Platform {
  return new FlyPlatform(settings, settings.fly, { ...defaultFlyDeps, ...deps });
}

export class FlyPlatform implements Platform {
  private readonly api: FlyApi;
  private readonly token: ReturnType<typeof parseFlyToken>;
  private readonly restorer: MachineRestorer;
  /** How to recognize the builds pushed by this run, by release id. */
  private readonly hints = new Map<string, ReleaseHint>();
  /** The machines as the first snapshot saw them, by id: which were meant to serve. */
  private readonly before = new Map<string, FlyMachine>();

  constructor(
    private readonly settings: PlatformSettings,
    private readonly deploy: FlyDeploySettings | undefined,
    private readonly deps: FlyDeps,
  ) {
    this.token = parseFlyToken(settings.apiToken);
    const client = createApiClient(
      {
        // The paths carry the version, so a base URL given with `/v1` works too.
        baseUrl: settings.apiUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
        service: 'Fly Machines API',
        userAgent: settings.userAgent,
        apiHeaders: { authorization: this.token.authorization, accept: 'application/json' },
        debugPrefix: 'fly',
      },
      deps,
    );
    this.api = new FlyApi(client, settings.app, deps);
    this.restorer = new MachineRestorer(this.api, deps, () => this.appMachines());
  }

  async snapshot(): Promise<Snapshot> {
    await this.api.requireApp();
    const machines = await this.appMachines();
    if (machines.length === 0) {
      throw new Error(
        `Fly app '${this.settings.app}' has no app machines: deploy it once with ` +
          '`fly deploy` so there is a release to come back to.',
      );
    }
    if (this.before.size === 0)
      for (const machine of machines) this.before.set(machine.id, machine);
    const groups = groupByImage(machines);
    const current = releaseOf(groups[0] ?? []);
    const notices: string[] = [];
    if (groups.length > 1) {
      const mix = groups
        .map((group) => `${releaseOf(group).label} on ${group.map((item) => item.id).join('/')}`)
        .join(', ');
      notices.push(
        `The machines of ${this.settings.app} do not all run the same image before the ` +
          `deploy: ${mix}. A rollback puts each machine back on its own.`,
      );
    }
    const unread = machines.filter((machine) => machine.incompleteConfig);
    if (unread.length > 0) {
      notices.push(
        `Fly cannot reach the host of ${unread.map((machine) => machine.id).join(', ')} and ` +
          'answers with an incomplete config: such a machine counts as not verified, and a ' +
          'rollback leaves it as it is.',
      );
    }
    return {
      current,
      webUrl: `https://${this.settings.app}.fly.dev`,
      switchoverSeconds: 0,
      notices,
      restore: { kind: 'machines', target: current, machines: machines.map(savedMachine) },
    };
  }

  /** Waits until no app machine is on its way between states (a cancelled flyctl may have
   * left one starting or being replaced), so a rollback does not race it. */
  async settle(timeoutMs: number): Promise<void> {
    const polled = await pollUntil(
      async () => (await this.appMachines()).filter((machine) => !restingStates.has(machine.state)),
      (busy) => busy.length === 0,
      this.deps,
      { intervalsMs: this.deps.pollIntervalsMs, maxPolls: this.deps.maxPolls, timeoutMs },
    );
    if (!polled.done) {
      const list = polled.value.map((machine) => `${machine.id} is ${machine.state}`).join(', ');
      throw new Error(`Fly machines still changing after ${timeoutMs / 1000} s: ${list}`);
    }
  }

  async push(commit: string, log: LogLine, signal?: AbortSignal): Promise<Release> {
    if (this.deploy === undefined) {
      throw new DeployError('Fly deploy settings are missing: only the deploy mode pushes', false);
    }
    const short = commit.slice(0, 12);
    const imageLabel = imageLabelFor(commit);
    const args = deployArgs({
      app: this.settings.app,
      flyConfig: this.deploy.flyConfig,
      image: this.deploy.image,
      imageLabel,
      extraArgs: this.deploy.flyctlArgs,
    });
    log(`flyctl ${args.join(' ')}`);
    const reported = await runFlyctlDeploy(
      {
        flyctlPath: this.deploy.flyctlPath,
        args,
        cwd: this.settings.sourceDir,
        tokenEnvValue: this.token.envValue,
        // flyctl's Machines API base (internal/config/config.go): the `api-url` input, so a
        // proxy or another endpoint applies to flyctl too; flyctl adds the /v1 itself.
        flapsBaseUrl: this.settings.apiUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
        timeoutMs: this.deps.deployTimeoutMs,
        graceMs: this.deps.stopGraceMs,
        signal,
      },
      short,
      log,
      this.deps,
    );
    const hint: ReleaseHint = {
      commit,
      imageLabel: this.deploy.image === undefined ? imageLabel : undefined,
    };
    let release: Release;
    if (reported !== undefined) {
      release = { id: reported.imageRef, label: `v${reported.version}` };
    } else {
      log('flyctl printed no release line; reading the release from the machines');
      let read: ReturnType<typeof releaseFromMachines>;
      try {
        const machines = await this.appMachines();
        read = releaseFromMachines(machines, [...this.before.values()], hint, this.deploy.image);
      } catch (error) {
        throw new DeployError(
          `flyctl deployed ${short} but its machines could not be read: ${errorMessage(error)}`,
          true,
        );
      }
      // Nothing deployed is not `deployed`: the live release is the one from before.
      if (read.problem !== undefined) throw new DeployError(read.problem, false);
      release = read.release;
    }
    this.hints.set(release.id, hint);
    log(`flyctl finished: ${release.label} (${release.id})`);
    return release;
  }

  /** Machines leased by someone else (api.ts `leasedMachines`): before the push this run
   * holds no lease. Seen once, the next snapshot reads the machines afresh. */
  async deploysInFlight(): Promise<readonly string[]> {
    const leased = await this.api.leasedMachines();
    if (leased.length > 0) this.before.clear();
    return leased;
  }

  /** The image the machines of `release` run, pinned by digest (`repo:tag@sha256:…`): what
   * `artifact` deploys elsewhere with `flyctl deploy --image`. Undefined unless they agree. */
  async artifactOf(release: Release): Promise<string | undefined> {
    const hint = this.hints.get(release.id);
    const pinned = new Set(
      (await this.appMachines())
        .filter((machine) => runsRelease(machine, release, hint))
        .map((machine) => machine.pinnedImage),
    );
    const [only] = pinned;
    return pinned.size === 1 ? only : undefined;
  }

  async liveCommit(): Promise<string | undefined> {
    return commitOfMachines(await this.appMachines());
  }

  async liveRelease(): Promise<Release> {
    return releaseOf(await this.appMachines());
  }

  /** Every app machine started, on `release`, its checks passing; read until so or time is
   * up: flyctl has reported success for machines that silently kept the old image. */
  async inspect(release: Release, timeoutMs: number): Promise<InstanceReport> {
    const polled = await pollUntil(
      () => this.readReport(release),
      (report) => report.ok,
      this.deps,
      { intervalsMs: this.deps.pollIntervalsMs, maxPolls: this.deps.maxPolls, timeoutMs },
    );
    return polled.value;
  }

  /** The last lines the machines of `release` printed, from Fly's logs API (logs.ts). */
  async recentLogs(release: Release, maxLines: number, deadlineMs: number): Promise<string[]> {
    const hint = this.hints.get(release.id);
    const instances = (await this.appMachines())
      .filter((machine) => runsRelease(machine, release, hint))
      .map((machine) => machine.id);
    const spec = {
      apiUrl: this.settings.apiUrl,
      app: this.settings.app,
      authorization: this.token.authorization,
      userAgent: this.settings.userAgent,
    };
    return flyAppLogs(spec, this.deps, instances, maxLines, deadlineMs);
  }

  /** Machines of `release` that failed or exited non-zero on their own (crash.ts). */
  async crashedInstances(release: Release): Promise<readonly string[]> {
    const hint = this.hints.get(release.id);
    return (await this.appMachines())
      .filter((machine) => runsRelease(machine, release, hint))
      .flatMap((machine) => machineCrash(machine) ?? []);
  }

  async rollback(plan: RestorePlan, log: LogLine): Promise<Release> {
    const { target } = plan;
    log(`Rolling back ${this.settings.app} to ${target.label} (${target.id}), machine by machine`);
    this.api.startRollbackBudget();
    const current = await this.appMachines();
    const failures =
      plan.kind === 'machines'
        ? await this.restorer.restoreSaved(plan.machines, current, log)
        : await this.restorer.moveTo(
            target,
            plan.kind === 'configs' ? plan.configs : {},
            current,
            log,
          );
    if (failures.length > 0) {
      throw new DeployError(
        `Rollback to ${target.label} failed: ${failures.join('; ')}. The app may be on mixed ` +
          `images: ${await this.describeMachines()}`,
        true,
      );
    }
    const restored = releaseOf(await this.appMachines());
    log(`Machines are back on ${restored.label} (${restored.id})`);
    return restored;
  }

  /** `spec` as an image, or a release (`v3`) found on a machine or in the machines' config
   * history, with each machine's config for it; none: the image before the live one. */
  async resolveTarget(spec: string | undefined): Promise<RestorePlan> {
    const machines = await this.appMachines();
    if (machines.length === 0) throw new Error(`Fly app '${this.settings.app}' has no machines`);
    const wanted = spec === undefined ? undefined : /^v(\d+)$/.exec(spec)?.[1];
    if (spec !== undefined && wanted === undefined) return this.knownImage(spec, machines);
    if (wanted !== undefined) {
      const live = machines.find((machine) => machine.metadata.fly_release_version === wanted);
      if (live !== undefined) {
        return { kind: 'release', target: { id: live.image, label: `v${wanted}` } };
      }
    }
    // Earlier releases live only in each machine's config history.
    const configs: Record<string, MachineConfig> = {};
    let found: Release | undefined;
    for (const machine of machines) {
      const versions = await this.api.versions(machine.id);
      const match = versions.find((version) => {
        const image = imageOfConfig(version.config);
        if (image === '') return false;
        if (found !== undefined) return image === found.id;
        return wanted === undefined
          ? image !== machine.configImage
          : releaseVersionOf(version.config) === wanted;
      });
      if (match === undefined) continue;
      const image = imageOfConfig(match.config);
      const version = releaseVersionOf(match.config);
      found ??= {
        id: image,
        label: version === undefined ? (tagOf(image) ?? image) : `v${version}`,
      };
      configs[machine.id] = { ...match.config };
    }
    if (found === undefined) {
      throw new Error(
        spec === undefined
          ? `Fly lists no earlier image for the machines of ${this.settings.app}: set ` +
              '`to-release` to an image they have run or a release like v3'
          : `Fly lists no release ${spec} in the config history of the machines of ` +
              `${this.settings.app}: set \`to-release\` to an image they have run instead`,
      );
    }
    return { kind: 'configs', target: found, configs };
  }

  /** `to-release` as an image: only one the app has run (a machine's image now or in its
   * config history). A manual rollback is not an ungated deploy of an arbitrary image. */
  private async knownImage(spec: string, machines: readonly FlyMachine[]): Promise<RestorePlan> {
    const known: string[] = [];
    for (const machine of machines) {
      const history = (await this.api.versions(machine.id)).map((v) => imageOfConfig(v.config));
      for (const image of [machine.configImage, machine.image, ...history]) {
        if (image !== '' && !known.includes(image)) known.push(image);
      }
    }
    // The same image with or without its digest pinned (`repo:tag@sha256:…`).
    const matches = (image: string): boolean =>
      image === spec || image.split('@')[0] === spec || spec.split('@')[0] === image;
    if (known.some(matches)) {
      return { kind: 'release', target: { id: spec, label: tagOf(spec) ?? spec } };
    }
    throw new Error(
      `to-release ${spec} is no image the machines of ${this.settings.app} have run, so it ` +
        `would be an ungated deploy; known: ${known.slice(0, 5).join(', ')}`,
    );
  }

  close(): Promise<void> {
    return this.api.client.close();
  }

  private async appMachines(): Promise<FlyMachine[]> {
    return (await this.api.listMachines()).filter(isAppMachine);
  }

  /** Each machine judged as one meant to serve or not (serving.ts), against the snapshot. */
  private async readReport(release: Release): Promise<InstanceReport> {
    const machines = await this.appMachines();
    const hint = this.hints.get(release.id);
    const judged = machines.map((machine) => {
      const onRelease = runsRelease(machine, release, hint);
      const verdict = judgeMachine(machine, onRelease, this.before.get(machine.id));
      return { onRelease, verdict, instance: instanceOf(machine, verdict.ok) };
    });
    const instances = judged.map((entry) => entry.instance);
    if (instances.length === 0) return { ok: false, reason: 'no app machine exists', instances };
    const bad = judged.filter((entry) => !entry.verdict.ok);
    if (bad.length === 0) {
      const started = machines.filter((machine) => machine.state === 'started').length;
      return {
        ok: true,
        reason:
          `${instances.length} machine${instances.length === 1 ? '' : 's'} on ${release.label} ` +
          `(${started} started), checks ` +
          'passing where declared',
        instances,
      };
    }
    const reason = bad
      .map(({ instance, onRelease, verdict }) => {
        const what = onRelease ? '' : `, not on ${release.label}`;
        const checks = instance.checks === '-' ? 'none' : instance.checks;
        const why = onRelease ? ` (${verdict.problem ?? 'not fine'})` : '';
        return (
          `${instance.id} (${instance.region}) is ${instance.state} on ${instance.image}` +
          `${what}, checks ${checks}${why}`
        );
      })
      .join('; ');
    return { ok: false, reason, instances };
  }

  /** Each machine and the image it runs now, for an error message. */
  private async describeMachines(): Promise<string> {
    try {
      const machines = await this.appMachines();
      return machines
        .map((machine) => `${machine.id} (${machine.region}, ${machine.state}): ${machine.image}`)
        .join(', ');
    } catch (error) {
      return `(the machines could not be read: ${errorMessage(error)})`;
    }
  }
}
