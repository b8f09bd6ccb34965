// A Fly rollback through the Machines API, one machine at a time: each machine leased,
// updated with a whole config, waited for until it started and its checks pass, released.
import { HttpError, errorMessage } from '../../io/errors.js';
import type { LogLine, MachineConfig, Release, SavedMachine } from '../platform.js';
import { platformMayHaveActed } from '../kit/outcome.js';
import { pollUntil } from '../kit/poll.js';
import type { FlyApi } from './api.js';
import {
  declaredChecks,
  digestOf,
  displayImage,
  imageOfConfig,
  runsRelease,
  sameImage,
} from './machine.js';
import type { FlyMachine } from './machine.js';

export interface RestoreDeps {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** How long one machine may take to start again. */
  readonly machineWaitMs: number;
  readonly pollIntervalsMs: readonly number[];
  readonly maxPolls: number;
}

export class MachineRestorer {
  /** Saved machine id → the machine an earlier attempt recreated it as: a later attempt takes
   * that one as the restored machine instead of recreating it again or destroying it. */
  private readonly recreated = new Map<string, string>();

  constructor(
    private readonly api: FlyApi,
    private readonly deps: RestoreDeps,
    /** The app machines now (helpers such as release commands left out). */
    private readonly appMachines: () => Promise<FlyMachine[]>,
  ) {}

  /** Each saved machine back on its own config, then the deploy's extra machines gone; one
   * machine at a time. The failures, one per machine. */
  async restoreSaved(
    before: readonly SavedMachine[],
    current: readonly FlyMachine[],
    log: LogLine,
  ): Promise<string[]> {
    const failures: string[] = [];
    for (const old of before) {
      const now = current.find((machine) => machine.id === old.id);
      const again = current.find((machine) => machine.id === this.recreated.get(old.id));
      try {
        if (now === undefined && again !== undefined && sameImage(again, old)) {
          await this.awaitServing(again, log);
          log(`${old.id} (${old.region}): recreated as ${again.id} by an earlier attempt, kept`);
          continue;
        }
        if (old.incompleteConfig === true || now?.incompleteConfig === true) {
          // Only a partial config is known: sending it (or recreating from it) would lose the
          // rest, so the machine is left as it is and named.
          if (now !== undefined && now.instanceId === old.instanceId && sameImage(now, old)) {
            log(
              `${old.id} (${old.region}): untouched by the deploy, kept (its host is unreachable)`,
            );
            continue;
          }
          throw new Error('its host is unreachable and its config could not be read: not restored');
        }
        if (now === undefined) {
          await this.recreate(old, [...before, ...current], log);
        } else if (now.instanceId === old.instanceId && sameImage(now, old)) {
          await this.bringBack(now, old, log);
        } else {
          // A machine that was not running goes back stopped, as flyctl updates it.
          const launch = ['started', 'starting', 'replacing'].includes(old.state);
          await this.restoreMachine(now, old.config, (after) => sameImage(after, old), log, launch);
        }
      } catch (error) {
        log(`${old.id} (${old.region}): ${errorMessage(error)}`);
        failures.push(`${old.id}: ${errorMessage(error)}`);
      }
    }
    const known = new Set([...before.map((machine) => machine.id), ...this.recreated.values()]);
    const extras = current.filter((machine) => !known.has(machine.id));
    // Never destroy what could not be read.
    for (const unread of extras.filter((machine) => machine.incompleteConfig)) {
      failures.push(`${unread.id}: its host is unreachable; kept, not destroyed`);
    }
    if (failures.length > 0 && extras.length > 0) {
      // A machine did not come back: the deploy's machines may be all that serves now.
      log(`Keeping ${extras.map((machine) => machine.id).join(', ')} until every machine is back`);
      return failures;
    }
    for (const extra of extras.filter((machine) => !machine.incompleteConfig)) {
      try {
        await this.destroyMachine(extra, log);
      } catch (error) {
        failures.push(`destroying ${extra.id}: ${errorMessage(error)}`);
      }
    }
    return failures;
  }

  /** A machine on its saved config that bluegreen's late phase cordoned or stopped (flyctl
   * strategy_bluegreen.go `CordonBlueMachines`, `StopBlueMachines`): back in rotation and
   * started when it served before, its checks passing, before any deploy machine goes. */
  private async bringBack(now: FlyMachine, old: SavedMachine, log: LogLine): Promise<void> {
    const wasRunning = ['started', 'starting', 'replacing'].includes(old.state);
    const stopped = wasRunning && now.state !== 'started';
    if (!now.cordoned && !stopped) {
      log(`${old.id} (${old.region}): untouched by the deploy, kept`);
      return;
    }
    const ttlSeconds = Math.ceil(this.deps.machineWaitMs / 1000) + 60;
    const nonce = await this.api.lease(now.id, ttlSeconds);
    try {
      if (now.cordoned) await this.api.uncordon(now.id, nonce);
      if (stopped) {
        await this.api.start(now.id, nonce);
        await this.api.waitStarted(
          now.id,
          now.instanceId,
          this.deps.now() + this.deps.machineWaitMs,
        );
        await this.waitChecksPassing(await this.api.getMachine(now.id), log);
      }
      log(
        `${old.id} (${old.region}): back in service (was ${now.cordoned ? 'cordoned, ' : ''}${now.state})`,
      );
    } finally {
      try {
        await this.api.releaseLease(now.id, nonce);
      } catch (error) {
        log(`Could not release the lease of ${now.id}: ${errorMessage(error)}`);
      }
    }
  }

  /** Every machine onto `target`, with the config found for it in its history when there is
   * one, else its current config with the target image. */
  async moveTo(
    target: Release,
    configs: Readonly<Record<string, MachineConfig>>,
    current: readonly FlyMachine[],
    log: LogLine,
  ): Promise<string[]> {
    const failures: string[] = [];
    for (const machine of current) {
      const config = configs[machine.id] ?? { ...machine.config, image: target.id };
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
    config: MachineConfig,
    isRestored: (after: FlyMachine) => boolean,
    log: LogLine,
    launch = true,
  ): Promise<void> {
    const ttlSeconds = Math.ceil(this.deps.machineWaitMs / 1000) + 60;
    const nonce = await this.api.lease(machine.id, ttlSeconds);
    try {
      const updated = await this.updateOnce(machine, config, nonce, log, !launch);
      const deadline = this.deps.now() + this.deps.machineWaitMs;
      const states = launch ? ['started'] : ['stopped', 'suspended'];
      await this.api.waitState(machine.id, updated.instanceId, states, deadline);
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
    config: MachineConfig,
    nonce: string,
    log: LogLine,
    skipLaunch = false,
  ): Promise<FlyMachine> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.api.update(machine.id, config, nonce, skipLaunch);
      } catch (error) {
        if (!platformMayHaveActed(error)) throw error;
        const seen = await this.api.getMachine(machine.id);
        if (seen.instanceId !== machine.instanceId) {
          const wanted = imageOfConfig(config);
          if (seen.configImage === wanted) return seen;
          if (seen.digest !== undefined && seen.digest === digestOf(wanted)) return seen;
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
    const passing = (seen: FlyMachine): number =>
      seen.checks.filter((check) => check.status === 'passing').length;
    const polled = await pollUntil(
      () => this.api.getMachine(machine.id),
      (seen) => seen.checks.length > 0 && passing(seen) === seen.checks.length,
      this.deps,
      {
        intervalsMs: this.deps.pollIntervalsMs.slice(0, 1),
        maxPolls: this.deps.maxPolls,
        timeoutMs: this.deps.machineWaitMs,
      },
      {
        first: { value: machine },
        onWait: (waits) => {
          if (waits === 0) log(`${machine.id} (${machine.region}): waiting for its checks to pass`);
        },
      },
    );
    if (!polled.done) {
      const seen = polled.value;
      throw new Error(
        `started, but its checks are not passing (${passing(seen)}/${seen.checks.length})`,
      );
    }
  }

  /** A saved machine the deploy destroyed (blue-green) comes back with its config. */
  private async recreate(
    old: SavedMachine,
    known: readonly SavedMachine[],
    log: LogLine,
  ): Promise<void> {
    let created: FlyMachine;
    try {
      created = await this.api.create(old.config, old.region);
    } catch (error) {
      if (!platformMayHaveActed(error)) throw error;
      // Never created twice: look for the one the lost answer would have named, which is none
      // of the machines known before nor one this rollback recreated for another saved one.
      const ids = new Set([...known.map((machine) => machine.id), ...this.recreated.values()]);
      const adopted = (await this.appMachines()).find(
        (machine) =>
          !ids.has(machine.id) &&
          machine.region === old.region &&
          machine.configImage === old.configImage,
      );
      if (adopted === undefined) throw error;
      created = adopted;
    }
    this.recreated.set(old.id, created.id);
    const after = await this.awaitServing(created, log);
    if (!sameImage(after, old)) throw new Error(`recreated as ${created.id} on the wrong image`);
    log(`${old.id} (${old.region}): was destroyed by the deploy; recreated as ${created.id}`);
  }

  /** A machine just created (a 404 means not visible yet) until it started and its checks
   * pass; the machine as last read. */
  private async awaitServing(machine: FlyMachine, log: LogLine): Promise<FlyMachine> {
    const deadline = this.deps.now() + this.deps.machineWaitMs;
    await this.api.waitStarted(machine.id, machine.instanceId, deadline, true);
    const after = await this.api.getMachine(machine.id);
    await this.waitChecksPassing(after, log);
    return after;
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
    // Fly destroys asynchronously (destroying, then destroyed): said only once it is gone. The
    // Machines API wait takes `destroyed` (OpenAPI Machines_wait); a 404 means gone already.
    try {
      const deadline = this.deps.now() + this.deps.machineWaitMs;
      await this.api.waitState(machine.id, machine.instanceId, ['destroyed'], deadline);
    } catch (error) {
      if (!(error instanceof HttpError && error.status === 404)) throw error;
    }
    log(`${machine.id} (${machine.region}): created by the deploy, destroyed`);
  }
}
