// Fly.io: deploys with flyctl (the only supported way to build and roll out a Fly Launch app),
// reads and judges the machines through the Machines API, and rolls back by putting every
// machine back on the config it had before the deploy, through the Machines API.

import { debug as coreDebug } from '@actions/core';
import type { Dispatcher } from 'undici';
import { abortOnProcessSignals, startCli } from '../../io/child-process.js';
import type { StartCliOptions, StartCliResult } from '../../io/child-process.js';
import { DeployError, HttpError, errorMessage } from '../../io/errors.js';
import { parseFlyToken } from './token.js';
import { HttpClient } from '../../io/http.js';
import type {
  FlySettings,
  InstanceReport,
  LogLine,
  Platform,
  Release,
  Snapshot,
} from '../platform.js';
import { defaultRetryPolicy } from '../../io/retry.js';
import type { RetryPolicy } from '../../io/retry.js';
import { FlyApi } from './api.js';
import {
  asRecord,
  declaredChecks,
  digestOf,
  displayImage,
  groupByImage,
  instanceOf,
  isAppMachine,
  releaseOf,
  runsRelease,
  sameImage,
  tagOf,
} from './machine.js';
import type { FlyMachine, ReleaseHint } from './machine.js';
import { deployArgs, describeExit, findReleaseLine, imageLabelFor } from './push.js';
import { judgeMachine, restingStates } from './serving.js';

export interface FlyDeps {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** undici dispatcher (tests: MockAgent); undefined: a keep-alive Agent of our own. */
  readonly dispatcher: Dispatcher | undefined;
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
  readonly retry: RetryPolicy;
  readonly random: () => number;
  readonly debug: (line: string) => void;
  /** Runs flyctl to its end (tests: a fake). */
  readonly runFlyctl: (
    command: string,
    args: readonly string[],
    options: StartCliOptions,
  ) => Promise<StartCliResult>;
  /** Aborts the controller on a cancelled job; returns how to stop listening. */
  readonly watchSignals: (controller: AbortController) => () => void;
}

export const defaultFlyDeps: FlyDeps = {
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms);
    }),
  now: Date.now,
  dispatcher: undefined,
  pollIntervalsMs: [1_000, 2_000, 3_000, 5_000],
  maxPolls: 1_000,
  deployTimeoutMs: 60 * 60_000,
  // The runner kills the job 7.5 s after its SIGINT: leave flyctl most of that.
  stopGraceMs: 5_000,
  machineWaitMs: 5 * 60_000,
  waitRequestSeconds: 60,
  leaseAttempts: 5,
  leaseRetryMs: 3_000,
  retry: defaultRetryPolicy,
  random: Math.random,
  debug: coreDebug,
  runFlyctl: (command, args, options) => startCli(command, args, options).result,
  watchSignals: abortOnProcessSignals,
};

export function createFlyPlatform(settings: FlySettings, deps: Partial<FlyDeps> = {}): Platform {
  return new FlyPlatform(settings, { ...defaultFlyDeps, ...deps });
}

const outputTailLines = 15;

export class FlyPlatform implements Platform {
  private readonly client: HttpClient;
  private readonly api: FlyApi;
  private readonly token: ReturnType<typeof parseFlyToken>;
  /** The app machines as they were before the deploy: what a rollback restores. */
  private snapshotMachines: readonly FlyMachine[] | undefined;
  private snapshotRelease: Release | undefined;
  /** How to recognize the builds pushed by this run, by release id. */
  private readonly hints = new Map<string, ReleaseHint>();
  /** Per machine config of a release found in the machines' versions, by release id. */
  private readonly resolvedConfigs = new Map<string, Map<string, Record<string, unknown>>>();

  constructor(
    private readonly settings: FlySettings,
    private readonly deps: FlyDeps,
  ) {
    this.token = parseFlyToken(settings.apiToken);
    this.client = new HttpClient({
      // The paths carry the version, so a base URL given with `/v1` works too.
      baseUrl: settings.apiUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
      service: 'Fly Machines API',
      userAgent: settings.userAgent,
      apiHeaders: { authorization: this.token.authorization, accept: 'application/json' },
      ...(deps.dispatcher ? { dispatcher: deps.dispatcher } : {}),
      retry: deps.retry,
      sleep: deps.sleep,
      now: deps.now,
      random: deps.random,
      debug: (line) => deps.debug(`fly: ${line}`),
    });
    this.api = new FlyApi(this.client, settings.app, {
      sleep: deps.sleep,
      now: deps.now,
      leaseAttempts: deps.leaseAttempts,
      leaseRetryMs: deps.leaseRetryMs,
      waitRequestSeconds: deps.waitRequestSeconds,
    });
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
    // The first snapshot (or the one adopted from main) stays the rollback target: a later
    // read, e.g. in the post step, sees what the deploy left behind.
    if (this.snapshotMachines === undefined) {
      this.snapshotMachines = machines;
      this.snapshotRelease = current;
    }
    const saved: SavedSnapshot = {
      release: this.snapshotRelease ?? current,
      machines: this.snapshotMachines,
    };
    return {
      current,
      webUrl: `https://${this.settings.app}.fly.dev`,
      switchoverSeconds: 0,
      notices,
      saved: JSON.stringify(saved),
    };
  }

  /** The machines snapshotted by main, for the post step's rollback. */
  adoptSaved(saved: string): void {
    const parsed = parseSaved(saved);
    this.snapshotMachines = parsed.machines;
    this.snapshotRelease = parsed.release;
  }

  /** Waits until no app machine is on its way between states (a cancelled flyctl may have
   * left one starting or being replaced), so a rollback does not race it. */
  async settle(timeoutMs: number): Promise<void> {
    const started = this.deps.now();
    const moving = async (): Promise<FlyMachine[]> =>
      (await this.appMachines()).filter((machine) => !restingStates.has(machine.state));
    let busy = await moving();
    for (let count = 0; busy.length > 0 && count < this.deps.maxPolls; count += 1) {
      if (this.deps.now() - started >= timeoutMs) break;
      const intervals = this.deps.pollIntervalsMs;
      await this.deps.sleep(intervals[Math.min(count, intervals.length - 1)] ?? 1_000);
      busy = await moving();
    }
    if (busy.length > 0) {
      const list = busy.map((machine) => `${machine.id} is ${machine.state}`).join(', ');
      throw new Error(`Fly machines still changing after ${timeoutMs / 1000} s: ${list}`);
    }
  }

  async push(commit: string, log: LogLine, signal?: AbortSignal): Promise<Release> {
    const short = commit.slice(0, 12);
    const imageLabel = imageLabelFor(commit);
    const args = deployArgs({
      app: this.settings.app,
      flyConfig: this.settings.flyConfig,
      image: this.settings.image,
      imageLabel,
      extraArgs: this.settings.flyctlArgs,
    });
    log(`flyctl ${args.join(' ')}`);
    const tail: string[] = [];
    let releaseLine: string | undefined;
    const onLine = (line: string): void => {
      log(line);
      if (line.trimStart().startsWith('{')) releaseLine = line;
      tail.push(line);
      if (tail.length > outputTailLines) tail.shift();
    };
    // The flow's cancellation signal when it passes one, else the process's own signals.
    const controller = new AbortController();
    const unwatch =
      signal === undefined ? this.deps.watchSignals(controller) : follow(signal, controller);
    let result: StartCliResult;
    try {
      result = await this.deps.runFlyctl(this.settings.flyctlPath, args, {
        cwd: this.settings.sourceDir,
        // The token only ever travels in the environment, never on the command line.
        env: {
          FLY_API_TOKEN: this.token.envValue,
          // flyctl prefers FLY_ACCESS_TOKEN when set: make both say the same.
          FLY_ACCESS_TOKEN: this.token.envValue,
          FLY_EMIT_RELEASE_JSON: '1',
          // flyctl's Machines API base (internal/config/config.go): the `api-url` input,
          // so a proxy or another endpoint applies to flyctl too.
          FLY_FLAPS_BASE_URL: this.settings.apiUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
        },
        timeoutMs: this.deps.deployTimeoutMs,
        graceMs: this.deps.stopGraceMs,
        signal: controller.signal,
        onLine,
      });
    } catch (error) {
      throw new DeployError(`Could not run flyctl: ${errorMessage(error)}`, false);
    } finally {
      unwatch();
    }
    if (result.exitCode !== 0 || result.stoppedBy !== undefined) {
      const why = describeExit(
        result.exitCode,
        result.exitSignal,
        result.stoppedBy,
        this.deps.deployTimeoutMs,
      );
      const last = tail.length > 0 ? `\nLast flyctl output:\n${tail.join('\n')}` : '';
      throw new DeployError(
        `flyctl deploy of ${short} ${why}. Machines may have changed: a failed rolling ` +
          'deploy leaves some on the new image, a failed canary can leave its machine behind.' +
          last,
        true,
      );
    }
    const hint: ReleaseHint = {
      commit,
      imageLabel: this.settings.image === undefined ? imageLabel : undefined,
    };
    const reported = findReleaseLine(releaseLine === undefined ? [] : [releaseLine]);
    let release: Release;
    if (reported !== undefined) {
      release = { id: reported.imageRef, label: `v${reported.version}` };
    } else {
      log('flyctl printed no release line; reading the release from the machines');
      try {
        release = releaseOf(await this.appMachines());
      } catch (error) {
        throw new DeployError(
          `flyctl deployed ${short} but its machines could not be read: ${errorMessage(error)}`,
          true,
        );
      }
    }
    this.hints.set(release.id, hint);
    log(`flyctl finished: ${release.label} (${release.id})`);
    return release;
  }

  async liveRelease(): Promise<Release> {
    return releaseOf(await this.appMachines());
  }

  /** Every app machine started, on `release`, its checks passing; read until so or time is
   * up: flyctl has reported success for machines that silently kept the old image. */
  async inspect(release: Release, timeoutMs: number): Promise<InstanceReport> {
    const started = this.deps.now();
    let report = await this.readReport(release);
    for (let count = 0; !report.ok && count < this.deps.maxPolls; count += 1) {
      if (this.deps.now() - started >= timeoutMs) break;
      const intervals = this.deps.pollIntervalsMs;
      await this.deps.sleep(intervals[Math.min(count, intervals.length - 1)] ?? 1_000);
      report = await this.readReport(release);
    }
    return report;
  }

  async rollback(target: Release, log: LogLine): Promise<Release> {
    log(`Rolling back ${this.settings.app} to ${target.label} (${target.id}), machine by machine`);
    const current = await this.appMachines();
    const failures =
      this.snapshotMachines !== undefined && this.snapshotRelease?.id === target.id
        ? await this.restoreSnapshot(this.snapshotMachines, current, log)
        : await this.moveTo(target, current, log);
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

  async resolveTarget(spec: string | undefined): Promise<Release> {
    const machines = await this.appMachines();
    if (machines.length === 0) throw new Error(`Fly app '${this.settings.app}' has no machines`);
    const wanted = spec === undefined ? undefined : /^v(\d+)$/.exec(spec)?.[1];
    if (spec !== undefined && wanted === undefined) {
      return { id: spec, label: tagOf(spec) ?? spec };
    }
    if (wanted !== undefined) {
      const live = machines.find((machine) => machine.metadata.fly_release_version === wanted);
      if (live !== undefined) return { id: live.image, label: `v${wanted}` };
    }
    // Earlier releases live only in each machine's config history.
    const configs = new Map<string, Record<string, unknown>>();
    let found: { image: string; label: string } | undefined;
    for (const machine of machines) {
      const versions = await this.api.versions(machine.id);
      const match = versions.find((version) => {
        const image = imageOfConfig(version.config);
        if (image === '') return false;
        if (found !== undefined) return image === found.image;
        return wanted === undefined
          ? image !== machine.configImage
          : releaseVersionOf(version.config) === wanted;
      });
      if (match === undefined) continue;
      const image = imageOfConfig(match.config);
      const version = releaseVersionOf(match.config);
      found ??= { image, label: version === undefined ? (tagOf(image) ?? image) : `v${version}` };
      configs.set(machine.id, { ...match.config });
    }
    if (found === undefined) {
      throw new Error(
        spec === undefined
          ? `Fly lists no earlier image for the machines of ${this.settings.app}: set ` +
              '`to-release` to an image reference or a release like v3'
          : `Fly lists no release ${spec} in the config history of the machines of ` +
              `${this.settings.app}: set \`to-release\` to an image reference instead`,
      );
    }
    this.resolvedConfigs.set(found.image, configs);
    return { id: found.image, label: found.label };
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private async appMachines(): Promise<FlyMachine[]> {
    return (await this.api.listMachines()).filter(isAppMachine);
  }

  private async readReport(release: Release): Promise<InstanceReport> {
    const machines = await this.appMachines();
    const hint = this.hints.get(release.id);
    const before = new Map((this.snapshotMachines ?? []).map((machine) => [machine.id, machine]));
    const judged = machines.map((machine) => {
      const onRelease = runsRelease(machine, release, hint);
      const verdict = judgeMachine(machine, onRelease, before.get(machine.id));
      return { machine, onRelease, verdict, instance: instanceOf(machine, verdict.ok) };
    });
    const instances = judged.map((entry) => entry.instance);
    if (instances.length === 0) return { ok: false, reason: 'no app machine exists', instances };
    const bad = judged.filter((entry) => !entry.verdict.ok);
    if (bad.length === 0) {
      const started = machines.filter((machine) => machine.state === 'started').length;
      return {
        ok: true,
        reason:
          `${instances.length} machine(s) on ${release.label} (${started} started), checks ` +
          'passing where declared',
        instances,
      };
    }
    const reason = bad
      .map(({ instance, onRelease, verdict }) => {
        const what = onRelease ? '' : `, not on ${release.label}`;
        const checks = instance.checks === '-' ? 'none' : instance.checks;
        return (
          `${instance.id} (${instance.region}) is ${instance.state} on ${instance.image}` +
          `${what}, checks ${checks}${onRelease ? ` (${verdict.problem ?? 'not fine'})` : ''}`
        );
      })
      .join('; ');
    return { ok: false, reason, instances };
  }

  /** Each snapshotted machine back on its own config, then the deploy's extra machines gone;
   * one machine at a time. The failures, one per machine. */
  private async restoreSnapshot(
    before: readonly FlyMachine[],
    current: readonly FlyMachine[],
    log: LogLine,
  ): Promise<string[]> {
    const failures: string[] = [];
    for (const old of before) {
      const now = current.find((machine) => machine.id === old.id);
      try {
        if (now === undefined) {
          await this.recreate(old, [...before, ...current], log);
        } else if (now.instanceId === old.instanceId && sameImage(now, old)) {
          log(`${old.id} (${old.region}): untouched by the deploy, kept`);
        } else {
          await this.restoreMachine(
            now,
            restoreConfig(old),
            (after) => sameImage(after, old),
            log,
            {
              launch: wasRunning(old),
            },
          );
        }
      } catch (error) {
        log(`${old.id} (${old.region}): ${errorMessage(error)}`);
        failures.push(`${old.id}: ${errorMessage(error)}`);
      }
    }
    const known = new Set(before.map((machine) => machine.id));
    const extras = current.filter((machine) => !known.has(machine.id));
    if (failures.length > 0 && extras.length > 0) {
      // A machine did not come back: the deploy's machines may be all that serves now.
      log(`Keeping ${extras.map((machine) => machine.id).join(', ')} until every machine is back`);
      return failures;
    }
    for (const extra of extras) {
      try {
        await this.destroyMachine(extra, log);
      } catch (error) {
        failures.push(`destroying ${extra.id}: ${errorMessage(error)}`);
      }
    }
    return failures;
  }

  /** Manual rollback: every machine onto `target`, with the config found for it in its
   * history when there is one, else its current config with the target image. */
  private async moveTo(
    target: Release,
    current: readonly FlyMachine[],
    log: LogLine,
  ): Promise<string[]> {
    const configs = this.resolvedConfigs.get(target.id);
    const failures: string[] = [];
    for (const machine of current) {
      const config = configs?.get(machine.id) ?? { ...machine.config, image: target.id };
      try {
        await this.restoreMachine(
          machine,
          config,
          (after) =>
            runsRelease(after, target, undefined) || after.configImage === imageOfConfig(config),
          log,
        );
      } catch (error) {
        log(`${machine.id} (${machine.region}): ${errorMessage(error)}`);
        failures.push(`${machine.id}: ${errorMessage(error)}`);
      }
    }
    return failures;
  }

  /** Lease, update with the whole config, wait for the new instance to start, check what it
   * runs, release the lease. */
  private async restoreMachine(
    machine: FlyMachine,
    config: Readonly<Record<string, unknown>>,
    isRestored: (after: FlyMachine) => boolean,
    log: LogLine,
    { launch }: { readonly launch: boolean } = { launch: true },
  ): Promise<void> {
    const ttlSeconds = Math.ceil(this.deps.machineWaitMs / 1000) + 60;
    const nonce = await this.api.lease(machine.id, ttlSeconds);
    try {
      const updated = await this.updateOnce(machine, config, nonce, log, !launch);
      const deadline = this.deps.now() + this.deps.machineWaitMs;
      // A machine that was not running is put back stopped, as flyctl updates it.
      if (launch) await this.api.waitStarted(machine.id, updated.instanceId, deadline);
      else
        await this.api.waitState(
          machine.id,
          updated.instanceId,
          ['stopped', 'suspended'],
          deadline,
        );
      const after = await this.api.getMachine(machine.id);
      if (!isRestored(after)) {
        throw new Error(`${after.state}, but runs ${displayImage(after)} instead`);
      }
      if (launch) await this.waitChecksPassing(after, log);
      log(`${machine.id} (${machine.region}): ${after.state} on ${displayImage(after)}`);
    } finally {
      try {
        await this.api.releaseLease(machine.id, nonce);
      } catch (error) {
        log(
          `Could not release the lease of ${machine.id} (it expires in ${ttlSeconds} s): ` +
            errorMessage(error),
        );
      }
    }
  }

  /** The update, repeated only when a re-read shows the first one was not applied. */
  private async updateOnce(
    machine: FlyMachine,
    config: Readonly<Record<string, unknown>>,
    nonce: string,
    log: LogLine,
    skipLaunch = false,
  ): Promise<FlyMachine> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.api.update(machine.id, config, nonce, skipLaunch);
      } catch (error) {
        if (!outcomeUnknown(error)) throw error;
        const seen = await this.api.getMachine(machine.id);
        if (seen.instanceId !== machine.instanceId) {
          const wanted = imageOfConfig(config);
          const wantedDigest = digestOf(wanted);
          if (seen.configImage === wanted) return seen;
          if (wantedDigest !== undefined && seen.digest === wantedDigest) return seen;
          throw new Error(`changed by someone else meanwhile (now ${displayImage(seen)})`, {
            cause: error,
          });
        }
        if (attempt >= 2) throw error;
        log(`${machine.id}: the update was not applied (${errorMessage(error)}); sending it again`);
      }
    }
  }

  /** Until the machine's checks all pass: only then does the proxy send it traffic, so the
   * next machine is touched (or the deploy's machines destroyed) only after it can serve. */
  private async waitChecksPassing(machine: FlyMachine, log: LogLine): Promise<void> {
    if (declaredChecks(machine.config) === 0) return;
    const deadline = this.deps.now() + this.deps.machineWaitMs;
    let seen = machine;
    for (let count = 0; count < this.deps.maxPolls; count += 1) {
      const passing = seen.checks.filter((check) => check.status === 'passing').length;
      if (seen.checks.length > 0 && passing === seen.checks.length) return;
      if (this.deps.now() >= deadline) {
        throw new Error(
          `started, but its checks are not passing (${passing}/${seen.checks.length})`,
        );
      }
      if (count === 0) log(`${machine.id} (${machine.region}): waiting for its checks to pass`);
      await this.deps.sleep(this.deps.pollIntervalsMs[0] ?? 1_000);
      seen = await this.api.getMachine(machine.id);
    }
  }

  /** A snapshotted machine the deploy destroyed (blue-green) comes back with its config. */
  private async recreate(
    old: FlyMachine,
    known: readonly FlyMachine[],
    log: LogLine,
  ): Promise<void> {
    let created: FlyMachine;
    try {
      created = await this.api.create(restoreConfig(old), old.region);
    } catch (error) {
      if (!outcomeUnknown(error)) throw error;
      // Never created twice: look for the one the lost answer would have named.
      const ids = new Set(known.map((machine) => machine.id));
      const adopted = (await this.appMachines()).find(
        (machine) =>
          !ids.has(machine.id) &&
          machine.region === old.region &&
          machine.configImage === imageOfConfig(restoreConfig(old)),
      );
      if (adopted === undefined) throw error;
      created = adopted;
    }
    await this.api.waitStarted(
      created.id,
      created.instanceId,
      this.deps.now() + this.deps.machineWaitMs,
    );
    const after = await this.api.getMachine(created.id);
    if (!sameImage(after, old)) throw new Error(`recreated as ${created.id} on the wrong image`);
    await this.waitChecksPassing(after, log);
    log(`${old.id} (${old.region}): was destroyed by the deploy; recreated as ${created.id}`);
  }

  private async destroyMachine(machine: FlyMachine, log: LogLine): Promise<void> {
    let nonce: string;
    try {
      nonce = await this.api.lease(machine.id, 60);
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return;
      throw error;
    }
    await this.api.destroy(machine.id, nonce);
    log(`${machine.id} (${machine.region}): created by the deploy, destroyed`);
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

/** A POST failed in a way that leaves open whether Fly acted on it. */
function outcomeUnknown(error: unknown): boolean {
  return error instanceof HttpError && (error.status === 0 || error.status >= 500);
}

/** The snapshotted config, its image pinned to the digest the machine ran. */
function restoreConfig(old: FlyMachine): Readonly<Record<string, unknown>> {
  return old.pinnedImage === undefined ? old.config : { ...old.config, image: old.pinnedImage };
}

function wasRunning(machine: FlyMachine): boolean {
  return ['started', 'starting', 'replacing'].includes(machine.state);
}

function imageOfConfig(config: Readonly<Record<string, unknown>>): string {
  return typeof config.image === 'string' ? config.image : '';
}

function releaseVersionOf(config: Readonly<Record<string, unknown>>): string | undefined {
  const metadata = config.metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const version = (metadata as Record<string, unknown>).fly_release_version;
  return typeof version === 'string' || typeof version === 'number' ? String(version) : undefined;
}

/** What `Snapshot.saved` carries: the release and every app machine as it was. */
interface SavedSnapshot {
  readonly release: Release;
  readonly machines: readonly FlyMachine[];
}

function parseSaved(saved: string): SavedSnapshot {
  const fail = (): never => {
    throw new Error('The saved Fly snapshot is unreadable: cannot restore the machines');
  };
  let value: unknown;
  try {
    value = JSON.parse(saved);
  } catch {
    return fail();
  }
  const record = asRecord(value);
  const release = asRecord(record?.release);
  const machines = record?.machines;
  if (
    typeof release?.id !== 'string' ||
    typeof release.label !== 'string' ||
    !Array.isArray(machines)
  ) {
    return fail();
  }
  const valid = machines.every((machine) => {
    const entry = asRecord(machine);
    return (
      typeof entry?.id === 'string' &&
      typeof entry.instanceId === 'string' &&
      typeof entry.state === 'string' &&
      typeof entry.image === 'string' &&
      typeof entry.region === 'string' &&
      typeof entry.configImage === 'string' &&
      asRecord(entry.config) !== undefined &&
      asRecord(entry.metadata) !== undefined &&
      asRecord(entry.labels) !== undefined &&
      Array.isArray(entry.checks)
    );
  });
  if (!valid) fail();
  return {
    release: { id: release.id, label: release.label },
    machines: machines as FlyMachine[],
  };
}

/** Aborts `controller` with `signal`; returns how to stop following it. */
function follow(signal: AbortSignal, controller: AbortController): () => void {
  const onAbort = (): void => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
