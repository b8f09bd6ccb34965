// The machines flyctl runs beside the app's own: the release command's temporary machine
// (internal/command/deploy/machines_releasecommand.go) and one canary per process group
// (machines_deploymachinesapp.go `deployCanaryMachines`).
import { setTimeout as sleep } from 'node:timers/promises';
import { processGroups } from '../fly/fly-toml.js';
import { authorizationFor } from '../fly/token.js';
import { FlyctlError } from './machines-client.js';
import type { MachineJson } from './machines-client.js';
import { destroy, releaseLease, waitHealthy, waitStarted, waitState } from './machine-ops.js';
import type { Plan } from './machine-ops.js';
import { groupOf, newConfig, releaseCommandConfig } from './launch-input.js';

const RESTING_POLL_MS = 100;
const LOGS_TIMEOUT_MS = 30_000;

interface MachineEvent {
  readonly type?: string;
  readonly request?: { readonly exit_event?: { readonly exit_code?: number } };
}

/** `[deploy] release_command`, run before any app machine changes (`deployMachinesApp` runs
 * `runReleaseCommands` first and aborts the deploy when it fails): a machine created with
 * skip_launch (`createReleaseCommandMachine`), started, waited for until it destroyed itself
 * (`waitForReleaseCommandToFinish`), its exit code read from its last exit event. */
export async function runReleaseCommand(plan: Plan): Promise<void> {
  const deploy = (plan.toml?.raw.deploy ?? {}) as Record<string, unknown>;
  const command = typeof deploy.release_command === 'string' ? deploy.release_command : '';
  if (command.trim() === '') return;
  plan.out(`Running ${plan.app} release_command: ${command}`);
  const { json } = await plan.client.call('POST', '/machines', {
    body: {
      config: releaseCommandConfig(plan, command),
      region: plan.toml?.primaryRegion ?? 'ams',
      skip_launch: true,
    },
  });
  const machine = json as MachineJson;
  plan.out(`  Created release_command machine ${machine.id}`);
  await waitUnstarted(plan, machine.id);
  plan.out('Starting machine');
  await plan.client.call('POST', `/machines/${machine.id}/start`);
  // flyctl waits for `started`, then `destroyed` (auto_destroy); a command that exits at
  // once may be gone before the first wait, which flyctl covers by taking a 404 as done.
  // The stand-in waits for `destroyed` alone.
  await waitState(plan, machine.id, machine.instance_id, ['destroyed']);
  const exitCode = await lastExitCode(plan, machine.id);
  if (exitCode !== 0) {
    plan.out(
      `Error release_command failed running on machine ${machine.id} with exit code ${exitCode}.`,
    );
    await printReleaseCommandLogs(plan, machine.id);
    throw new FlyctlError(
      `release command failed - aborting deployment. machine ${machine.id} exited with ` +
        `non-zero status of ${exitCode}`,
    );
  }
  plan.out(`  release_command ${machine.id} completed successfully`);
}

/** After a failed release command flyctl prints the machine's last 100 log lines, each indented
 * by two spaces, from the logs API (fly-go `GetAppLogs` with the primary region and the
 * machine as instance); a token that may not read logs gets a warning, any other unreadable
 * answer fails the deploy with "error getting release_command logs"
 * (machines_releasecommand.go). Its 2 s wait for the logs to reach the log store is left out:
 * the simulator's logs are readable at once. */
async function printReleaseCommandLogs(plan: Plan, id: string): Promise<void> {
  plan.out(`Check its logs: here's the last 100 lines below, or run 'fly logs -i ${id}':`);
  const query = new URLSearchParams({ region: plan.toml?.primaryRegion ?? 'ams', instance: id });
  const base = plan.env.registryUrl.replace(/\/$/, '');
  const response = await fetch(`${base}/api/v1/apps/${plan.app}/logs?${query.toString()}`, {
    headers: { authorization: authorizationFor(plan.env.token), accept: 'application/json' },
    signal: AbortSignal.timeout(LOGS_TIMEOUT_MS),
  });
  if (response.status === 401) {
    plan.out(`Warn: not authorized to retrieve app logs, so we can't show you what failed.`);
    return;
  }
  if (!response.ok) {
    throw new FlyctlError(`error getting release_command logs: ${response.status}`);
  }
  const page = (await response.json()) as { data?: Array<{ attributes?: { message?: string } }> };
  for (const entry of (page.data ?? []).slice(-100)) {
    plan.out(`  ${entry.attributes?.message ?? ''}`);
  }
}

/** flyctl waits for `stopped` (`WaitForState` with `WithJustCreated`); the simulator leaves a
 * machine created with skip_launch in `created`, where standbys rest too, which the wait
 * endpoint does not take (OpenAPI: started, stopped, suspended, destroyed, failed, settled):
 * read until it is in either, a 404 meaning "not visible yet". */
async function waitUnstarted(plan: Plan, id: string): Promise<void> {
  const deadline = Date.now() + plan.waitTimeoutMs;
  while (Date.now() < deadline) {
    const { status, json } = await plan.client.call('GET', `/machines/${id}`, { accept: [404] });
    const state = (json as { state?: unknown } | undefined)?.state;
    if (status === 200 && (state === 'created' || state === 'stopped')) return;
    await sleep(RESTING_POLL_MS);
  }
  throw new FlyctlError(`timeout reached waiting for release_command machine ${id} to stop`);
}

/** flyctl `WaitForEventTypeAfterType(ctx, "exit", "start", ...)`: the newest exit event. */
async function lastExitCode(plan: Plan, id: string): Promise<number> {
  const { json } = await plan.client.call('GET', `/machines/${id}/events`);
  const events = Array.isArray(json) ? (json as MachineEvent[]) : [];
  const exit = events.find((event) => event.type === 'exit');
  const code = exit?.request?.exit_event?.exit_code;
  if (typeof code !== 'number') {
    throw new FlyctlError(`error finding the release_command machine ${id} exit event`);
  }
  return code;
}

/** One canary per process group of fly.toml, all at once (an errgroup), each created with a
 * lease for the whole --wait-timeout (`spawnMachineInGroup`), waited for until it started and
 * its checks pass, then destroyed; a failed canary is left behind. */
export async function deployCanaries(plan: Plan, machines: readonly MachineJson[]): Promise<void> {
  const results = await Promise.allSettled(
    processGroups(plan.toml).map((group) =>
      canary(
        plan,
        group,
        machines.find((machine) => groupOf(machine) === group && !isStandby(machine)),
      ),
    ),
  );
  const failed = results.find((result) => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

async function canary(plan: Plan, group: string, base: MachineJson | undefined): Promise<void> {
  plan.out(`Creating canary machine for group ${group}`);
  const config = newConfig(plan, base, group);
  (config.metadata as Record<string, string>).fly_canary = 'true';
  const { json } = await plan.client.call('POST', '/machines', {
    body: {
      config,
      region: base?.region ?? plan.toml?.primaryRegion ?? 'ams',
      lease_ttl: Math.ceil(plan.waitTimeoutMs / 1000),
    },
  });
  const machine = json as MachineJson & { nonce?: string };
  plan.out(`  Machine ${machine.id} [${group}] canary created`);
  try {
    await waitStarted(plan, machine.id, machine.instance_id);
    await waitHealthy(plan, machine.id);
  } catch (error) {
    // `spawnMachineInGroup` releases its lease on the way out; the canary stays.
    if (machine.nonce !== undefined) await releaseLease(plan, machine.id, machine.nonce);
    throw error;
  }
  plan.out(`  Machine ${machine.id} [${group}] canary is healthy, destroying it`);
  await destroy(plan, machine.id, machine.nonce);
}

function isStandby(machine: MachineJson): boolean {
  const standbys = machine.config.standbys;
  return Array.isArray(standbys) && standbys.length > 0;
}
