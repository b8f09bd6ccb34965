// flyctl's rolling and immediate updates of existing machines
// (internal/command/deploy/machines_deploymachinesapp.go `updateUsingRollingStrategy`,
// `updateEntriesGroup`, `updateUsingImmediateStrategy`).
import { FlyctlError } from './machines-client.js';
import type { MachineJson } from './machines-client.js';
import {
  acquireLease,
  releaseLease,
  updateMachine,
  waitHealthy,
  waitStarted,
  waitState,
} from './machine-ops.js';
import type { Plan } from './machine-ops.js';
import { groupOf, newConfig, skipsLaunch } from './launch-input.js';

/** flyctl machines.go `DefaultMaxUnavailable`: warm machines go ceil(0.33·N) at a time. */
const MAX_UNAVAILABLE = 0.33;
/** flyctl plan.go `STOPPED_MACHINES_POOL_SIZE`: stopped machines go up to 30 at a time. */
const STOPPED_POOL = 30;
/** flyctl plan.go `rollingStrategyMaxConcurrentGroups`. */
const MAX_GROUPS = 16;

/** One machine to update, with its place in the id-sorted list (for the `[i/N]` lines and
 * FLY_SIM_STAY_ON_OLD_IMAGE). */
interface Entry {
  readonly machine: MachineJson;
  readonly index: number;
}

/** Set once a machine failed: machines not begun yet are skipped (flyctl's pools are
 * `WithCancelOnError`, its errgroups cancel their context). */
interface Abort {
  failed: boolean;
}

/** Sorted by id (`slices.SortFunc` on the machine ID), grouped by process group, groups in
 * parallel; in each group the stopped machines and the started ones go side by side, each list
 * one machine first ("slow start", the spearhead) and then the rest in a pool. */
export async function updateRolling(plan: Plan, machines: readonly MachineJson[]): Promise<void> {
  plan.out(`Updating existing machines in '${plan.app}' with rolling strategy`);
  plan.out('');
  const entries = sortById(machines).map((machine, index) => ({ machine, index }));
  const groups = new Map<string, Entry[]>();
  for (const entry of entries) {
    const group = groupOf(entry.machine);
    groups.set(group, [...(groups.get(group) ?? []), entry]);
  }
  const abort: Abort = { failed: false };
  const total = machines.length;
  await underLeases(plan, entries, async (nonces) => {
    await pool([...groups.values()], MAX_GROUPS, abort, async (group) => {
      const warm = group.filter((entry) => entry.machine.state === 'started');
      const cold = group.filter((entry) => entry.machine.state !== 'started');
      const update = (entry: Entry): Promise<void> =>
        updateOne(plan, entry, total, { noWait: plan.detach, nonces });
      await settleAll([
        spearheadThenPool(cold, Math.min(cold.length, STOPPED_POOL), abort, update),
        spearheadThenPool(warm, Math.ceil(warm.length * MAX_UNAVAILABLE), abort, update),
      ]);
    });
  });
}

/** flyctl leases every machine it rolls out before touching any (skipping unreachable
 * hosts, which are replaced instead) and clears them all once done, failed or not (plan.go
 * `updateMachines`: `acquireLeases`, deferred `releaseLeases`): another deploy sees the whole
 * app held for the whole rollout. */
async function underLeases(
  plan: Plan,
  entries: readonly Entry[],
  work: (nonces: ReadonlyMap<string, string>) => Promise<void>,
): Promise<void> {
  const nonces = new Map<string, string>();
  try {
    for (const { machine } of entries) {
      if (machine.host_status !== undefined && machine.host_status !== 'ok') continue;
      nonces.set(machine.id, await acquireLease(plan, machine.id));
    }
    await work(nonces);
  } finally {
    for (const [id, nonce] of nonces) await releaseLease(plan, id, nonce);
  }
}

/** Every machine at once, nothing waited for (`updateUsingImmediateStrategy`). */
export async function updateImmediate(plan: Plan, machines: readonly MachineJson[]): Promise<void> {
  plan.out(`Updating existing machines in '${plan.app}' with immediate strategy`);
  plan.out('');
  const entries = sortById(machines).map((machine, index) => ({ machine, index }));
  const abort: Abort = { failed: false };
  await underLeases(plan, entries, (nonces) =>
    pool(entries, entries.length, abort, (entry) =>
      updateOne(plan, entry, machines.length, { noWait: true, nonces }),
    ),
  );
}

export function sortById(machines: readonly MachineJson[]): MachineJson[] {
  return [...machines].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

async function spearheadThenPool(
  entries: readonly Entry[],
  size: number,
  abort: Abort,
  work: (entry: Entry) => Promise<void>,
): Promise<void> {
  const [first, ...rest] = entries;
  if (first === undefined) return;
  await pool([first], 1, abort, work);
  await pool(rest, Math.max(1, size), abort, work);
}

/** At most `size` of `items` in flight; after a failure none begins, the first error wins. */
async function pool<T>(
  items: readonly T[],
  size: number,
  abort: Abort,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (!abort.failed && next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        abort.failed = true;
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
  if (abort.failed) throw new FlyctlError('skipping machine update due to earlier failure');
}

/** Like an errgroup's Wait: every task ends, then the first error is thrown. */
async function settleAll(tasks: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/** One machine, under the lease taken for it: updated (skip-launch when it was not running),
 * waited for until it started and its checks pass (`updateMachine`, `waitForMachine`). */
async function updateOne(
  plan: Plan,
  entry: Entry,
  total: number,
  options: { readonly noWait: boolean; readonly nonces: ReadonlyMap<string, string> },
): Promise<void> {
  const { noWait } = options;
  const { machine, index } = entry;
  const tag = `[${index + 1}/${total}] Machine ${machine.id} [${groupOf(machine)}]`;
  // Counted when it begins, so exactly that many are updated however many run in parallel.
  if (plan.env.failAfterMachines !== undefined && plan.updated >= plan.env.failAfterMachines) {
    throw new FlyctlError(
      `failed to update machine ${machine.id}: failed_precondition: unable to update ` +
        'machine configuration (simulated by FLY_SIM_FAIL_AFTER_MACHINES)',
    );
  }
  plan.updated += 1;
  if (plan.env.stayOnOldImage === index) {
    // The flyctl bug the action has to catch: success reported, nothing changed.
    plan.out(` ✔ ${tag} update finished: success`);
    return;
  }
  if (machine.host_status !== undefined && machine.host_status !== 'ok') {
    await replaceMachine(plan, machine, tag);
    return;
  }
  plan.out(`  ${tag} Updating`);
  const nonce = options.nonces.get(machine.id);
  if (nonce === undefined) throw new FlyctlError(`no lease held on machine ${machine.id}`);
  try {
    const skipLaunch = skipsLaunch(machine);
    const updated = await updateMachine(plan, machine, newConfig(plan, machine), skipLaunch, nonce);
    if (skipLaunch && !noWait) {
      // Updated but not started: flyctl waits for a resting state only ("Don't wait for
      // SkipLaunch machines" to start, `waitForMachine`).
      plan.out(`  ${tag} Waiting for machine to reach a good state`);
      await waitState(plan, machine.id, updated.instance_id, ['stopped', 'started', 'suspended']);
    } else if (!noWait) {
      plan.out(`  ${tag} Waiting for machine to start`);
      await waitStarted(plan, machine.id, updated.instance_id);
      plan.out(`  ${tag} Waiting for health checks`);
      await waitHealthy(plan, machine.id);
    }
  } catch (error) {
    plan.out(` ✖ ${tag} update finished: failed`);
    throw error;
  }
  plan.out(` ✔ ${tag} update finished: success`);
}

/** A machine whose host is unreachable is replaced: destroyed (forced), then launched anew
 * with a lease for the whole --wait-timeout, released when it is up (flyctl
 * machines_launchinput.go `launchInputForUpdate`, machines_deploymachinesapp.go
 * `updateMachineByReplace`). Interrupted, the lease stays until it expires. */
async function replaceMachine(plan: Plan, machine: MachineJson, tag: string): Promise<void> {
  plan.out(`  ${tag} Replacing: its host is unreachable`);
  await plan.client.call('DELETE', `/machines/${machine.id}?force=true`);
  const { json } = await plan.client.call('POST', '/machines', {
    body: {
      config: newConfig(plan, machine),
      region: machine.region,
      lease_ttl: Math.ceil(plan.waitTimeoutMs / 1000),
    },
  });
  const created = json as MachineJson & { nonce?: string };
  plan.out(`  ${tag} Replaced by ${created.id}`);
  await waitStarted(plan, created.id, created.instance_id);
  await waitHealthy(plan, created.id);
  if (created.nonce !== undefined) await releaseLease(plan, created.id, created.nonce);
}
