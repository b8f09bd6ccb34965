// The Machines API steps of the flyctl stand-in, as flyctl takes them: leases (13 s, refreshed,
// for in-place updates), waits on states, health waits, destroys. Shared by every strategy.
import { setTimeout as sleep } from 'node:timers/promises';
import { checksOf } from '../fly/checks.js';
import type { FlyToml } from '../fly/fly-toml.js';
import type { DeployEnv } from './deploy.js';
import type { PushedImage } from './image-build.js';
import { FlyctlError } from './machines-client.js';
import type { MachineJson, MachinesClient } from './machines-client.js';

const HEALTH_POLL_MS = 250;
const JUST_CREATED_RETRY_MS = 500;
const MAX_WAIT_CALL_S = 60;

export type Out = (line: string) => void;

export interface Plan {
  readonly client: MachinesClient;
  readonly app: string;
  readonly toml: FlyToml | undefined;
  readonly image: PushedImage;
  readonly releaseId: string;
  readonly version: number;
  readonly waitTimeoutMs: number;
  readonly env: DeployEnv;
  readonly out: Out;
  readonly detach: boolean;
  /** Machines updated so far (for FLY_SIM_FAIL_AFTER_MACHINES). */
  updated: number;
  /** Background lease refreshes, by machine id. */
  readonly refreshers: Map<string, NodeJS.Timeout>;
}

export async function destroy(plan: Plan, id: string, nonce?: string): Promise<void> {
  await plan.client.call(
    'DELETE',
    `/machines/${id}?force=true`,
    nonce === undefined ? {} : { nonce },
  );
  const deadline = Date.now() + plan.waitTimeoutMs;
  while (Date.now() < deadline) {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    const query = `state=destroyed&timeout=${Math.max(1, Math.min(MAX_WAIT_CALL_S, left))}`;
    const { status } = await plan.client.call('GET', `/machines/${id}/wait?${query}`, {
      accept: [408],
    });
    if (status === 200) return;
  }
  throw new FlyctlError(`timeout reached waiting for machine ${id} to be destroyed`);
}

/** In-place updates hold a 13 s lease (flyctl deploy/machines.go `DefaultLeaseTtl`), which
 * flyctl refreshes in the background while it works (`StartBackgroundLeaseRefresh`). */
const IN_PLACE_LEASE_TTL_S = 13;
const LEASE_REFRESH_MS = 5_000;

export async function acquireLease(plan: Plan, id: string): Promise<string> {
  const ttl = IN_PLACE_LEASE_TTL_S;
  try {
    const { json } = await plan.client.call('POST', `/machines/${id}/lease`, {
      body: { ttl, description: `flyctl deploy ${plan.releaseId}` },
    });
    const data = (json as { data?: { nonce?: unknown } }).data;
    if (typeof data?.nonce !== 'string') throw new FlyctlError('lease answer has no nonce');
    const nonce = data.nonce;
    const refresh = setInterval(() => {
      void plan.client
        .call('POST', `/machines/${id}/lease`, { body: { ttl }, nonce, accept: [404, 409] })
        .catch(() => undefined);
    }, LEASE_REFRESH_MS);
    refresh.unref();
    plan.refreshers.set(id, refresh);
    return nonce;
  } catch (error) {
    throw new FlyctlError(`failed to obtain lease on machine ${id}: ${errorText(error)}`);
  }
}

export async function releaseLease(plan: Plan, id: string, nonce: string): Promise<void> {
  clearInterval(plan.refreshers.get(id));
  plan.refreshers.delete(id);
  try {
    await plan.client.call('DELETE', `/machines/${id}/lease`, { nonce, accept: [404] });
  } catch (error) {
    plan.out(`WARN failed to release lease for machine ${id}: ${errorText(error)}`);
  }
}

export async function updateMachine(
  plan: Plan,
  machine: MachineJson,
  config: Record<string, unknown>,
  skipLaunch: boolean,
  nonce: string,
): Promise<MachineJson> {
  const { json } = await plan.client.call('POST', `/machines/${machine.id}`, {
    body: { config, region: machine.region, ...(skipLaunch ? { skip_launch: true } : {}) },
    nonce,
  });
  return json as MachineJson;
}

export async function waitStarted(plan: Plan, id: string, instanceId: string): Promise<void> {
  await waitState(plan, id, instanceId, ['started']);
}

/** Until the machine's `instanceId` is in one of `states` (the wait takes them repeated, fly-go
 * flaps_machines_wait.go `WithWaitStates`). */
export async function waitState(
  plan: Plan,
  id: string,
  instanceId: string,
  states: readonly string[],
): Promise<void> {
  const deadline = Date.now() + plan.waitTimeoutMs;
  for (;;) {
    const left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) {
      throw new FlyctlError(`timeout reached waiting for machine ${id} to ${states.join('/')}`);
    }
    const query = new URLSearchParams({
      version: instanceId,
      timeout: String(Math.min(MAX_WAIT_CALL_S, left)),
    });
    for (const state of states) query.append('state', state);
    // 404: a machine just created is not visible yet; flyctl retries (leasable_machine.go
    // `WaitForState`, `WithJustCreated`). A 404 on a machine that exists for long is an error
    // there too, but this stand-in waits only on machines it just made or updated.
    const { status } = await plan.client.call('GET', `/machines/${id}/wait?${query.toString()}`, {
      accept: [408, 404],
    });
    if (status === 200) return;
    if (status === 404) await sleep(JUST_CREATED_RETRY_MS);
  }
}

/** flyctl leasable_machine.go `WaitForHealthchecksToPass`: nothing to wait for when the
 * config declares no check; else at least one result and all passing. fly-go drops the
 * synthetic `bg_deployments_compat*` checks first (machine_types.go `RemoveCompatChecks`). */
export async function waitHealthy(plan: Plan, id: string): Promise<void> {
  const deadline = Date.now() + plan.waitTimeoutMs;
  let last: MachineJson | undefined = await plan.client.get(id);
  if (checksOf(last.config).length === 0) return;
  while (Date.now() < deadline) {
    last = await plan.client.get(id);
    const checks = (last.checks ?? []).filter(
      (check) => !check.name.startsWith('bg_deployments_compat'),
    );
    const passing = checks.filter((check) => check.status === 'passing').length;
    if (checks.length > 0 && passing === checks.length) return;
    await sleep(HEALTH_POLL_MS);
  }
  const summary = (last?.checks ?? []).map((c) => `${c.name}: ${c.status} ${c.output ?? ''}`);
  throw new FlyctlError(
    `timeout reached waiting for health checks to pass for machine ${id} ` +
      `(state ${last?.state ?? 'unknown'}): ${summary.join('; ')}`,
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
