// `flyctl deploy` against the Machines API, with flyctl's strategies: rolling (machine by
// machine: lease, replace the config, wait started, wait checks passing, release), canary,
// bluegreen and immediate (no waiting at all), plus the fault knobs tests use.
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDuration } from '../fly/durations.js';
import { checksOf } from '../fly/checks.js';
import { hasChecks, machineConfig, parseFlyToml } from '../fly/fly-toml.js';
import type { DeployStrategy, FlyToml } from '../fly/fly-toml.js';
import { releaseId, ulid } from '../fly/ids.js';
import { authorizationFor } from '../fly/token.js';
import type { DeployArgs } from './args.js';
import { buildAndPush, resolveImage } from './image-build.js';
import type { PushedImage } from './image-build.js';
import { FlyctlError, MachinesClient } from './machines-client.js';
import type { MachineJson } from './machines-client.js';

export interface DeployEnv {
  readonly cwd: string;
  /** The Machines API base (FLY_FLAPS_BASE_URL). */
  readonly apiUrl: string;
  /** The simulator's registry and builder. */
  readonly registryUrl: string;
  readonly token: string;
  readonly githubSha: string | undefined;
  readonly emitReleaseJson: boolean;
  /** FLY_SIM_FAIL_AFTER_MACHINES: fail once this many machines were updated. */
  readonly failAfterMachines: number | undefined;
  /** FLY_SIM_STAY_ON_OLD_IMAGE: this machine (by index) silently keeps the old image. */
  readonly stayOnOldImage: number | undefined;
  /** FLY_SIM_CHANGE_NOTHING: exit 0 with no machine changed and no release line, as a flyctl
   * older than v0.4.56 (no release line at all) whose rollout did not happen. */
  readonly changeNothing: boolean;
}

const DEFAULT_WAIT_TIMEOUT_MS = 5 * 60_000;
const HEALTH_POLL_MS = 250;
const MAX_WAIT_CALL_S = 60;
const STRATEGIES: readonly string[] = ['rolling', 'canary', 'bluegreen', 'immediate'];
const HELPER_GROUPS = new Set([
  'fly_app_release_command',
  'fly_app_console',
  'fly_app_test_machine_command',
]);

type Out = (line: string) => void;

interface Plan {
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
}

export async function deploy(args: DeployArgs, env: DeployEnv, out: Out): Promise<void> {
  out('==> Verifying app config');
  const configPath = path.resolve(env.cwd, args.config);
  const toml = await loadConfig(configPath, args.config !== 'fly.toml');
  const app = args.app ?? toml?.app;
  if (!app) {
    throw new FlyctlError(
      'the config for your app is missing an app name, add an app field to the fly.toml ' +
        'file or specify with the -a flag',
    );
  }
  if (toml) out(`Validating ${configPath}`);
  out('✓ Configuration is valid');
  out('--> Verified app config');
  const strategy = strategyOf(args.strategy ?? toml?.strategy ?? 'rolling');
  const deploySection = (toml?.raw.deploy ?? {}) as Record<string, unknown>;
  const waitTimeout = args.waitTimeout ?? deploySection.wait_timeout;
  const waitTimeoutMs =
    parseDuration(
      typeof waitTimeout === 'string' || typeof waitTimeout === 'number' ? waitTimeout : undefined,
    ) ?? DEFAULT_WAIT_TIMEOUT_MS;

  const client = new MachinesClient(env.apiUrl, env.token, app);
  await client.call('GET', ''); // the app must exist (404: "app not found")
  const image = await obtainImage(args, env, app, out);
  const machines = (await client.list()).filter(isAppMachine);
  const version = 1 + Math.max(0, ...machines.map(releaseVersionOf));
  const plan: Plan = {
    client,
    app,
    toml,
    image,
    releaseId: releaseId(),
    version,
    waitTimeoutMs,
    env,
    out,
    detach: args.detach,
    updated: 0,
  };
  out(`Watch your deployment at https://fly.io/apps/${app}/monitoring`);
  out('');
  out('-------');
  if (env.changeNothing) {
    out('-------');
    out(`Visit your newly deployed app at https://${app}.fly.dev/`);
    return;
  }
  if (machines.length === 0) {
    out('No machines in group app, launching a new machine');
    await createFirstMachine(plan);
  } else if (strategy === 'bluegreen') {
    await bluegreen(plan, machines);
  } else {
    if (strategy === 'canary') await canary(plan, machines[0]);
    await updateEach(plan, machines, strategy === 'immediate' || args.detach);
  }
  out('-------');
  out('');
  out(`Visit your newly deployed app at https://${app}.fly.dev/`);
  if (env.emitReleaseJson) {
    out(JSON.stringify({ id: plan.releaseId, version, image_ref: image.ref }));
  }
}

async function loadConfig(file: string, explicit: boolean): Promise<FlyToml | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (!explicit && isMissing(error)) return undefined;
    throw new FlyctlError(`failed loading app config from ${file}: ${errorText(error)}`);
  }
  try {
    return parseFlyToml(text);
  } catch (error) {
    throw new FlyctlError(`failed loading app config from ${file}: ${errorText(error)}`);
  }
}

function strategyOf(name: string): DeployStrategy {
  if (!STRATEGIES.includes(name)) {
    throw new FlyctlError(
      `unsupported deployment strategy '${name}'; flyctl supports rolling, bluegreen, canary ` +
        'and immediate',
    );
  }
  return name as DeployStrategy;
}

async function obtainImage(
  args: DeployArgs,
  env: DeployEnv,
  app: string,
  out: Out,
): Promise<PushedImage> {
  const authorization = authorizationFor(env.token);
  if (args.image) {
    out(`==> Fetching image`);
    out(`Searching for image '${args.image}' remotely...`);
    const image = await resolveImage(env.registryUrl, authorization, args.image);
    out(`image found: ${image.digest}`);
    return image;
  }
  out('==> Building image');
  out(`Remote builder fly-builder-sim ready`);
  const label = args.imageLabel ?? `deployment-${ulid()}`;
  const labels: Record<string, string> = {};
  if (env.githubSha) labels.GH_SHA = env.githubSha;
  const image = await buildAndPush(env.registryUrl, authorization, app, label, env.cwd, labels);
  out('--> Building image done');
  out('==> Pushing image to fly');
  out(`image: registry.fly.io/${app}:${label}`);
  out(`image size: ${(image.size / 1024).toFixed(1)} kB`);
  return image;
}

/** The machine's new config: built from fly.toml for its own process group, keeping its
 * guest and standbys (flyctl machines_launchinput.go `launchInputForUpdate` builds it with
 * `ToMachineConfig(processGroup, origConfig)`, dropping standbys once the group has services). */
function newConfig(plan: Plan, base: MachineJson | undefined): Record<string, unknown> {
  const guest = base?.config.guest;
  const config = machineConfig(
    plan.toml,
    {
      image: `${plan.image.registry}/${plan.image.repository}:${plan.image.tag}`,
      releaseId: plan.releaseId,
      releaseVersion: plan.version,
    },
    typeof guest === 'object' && guest !== null ? (guest as Record<string, unknown>) : undefined,
    base === undefined ? 'app' : groupOf(base),
  );
  const standbys = base?.config.standbys;
  if (Array.isArray(standbys) && standbys.length > 0 && config.services === undefined) {
    config.standbys = standbys;
    (config.env as Record<string, string>).FLY_STANDBY_FOR = standbys.join(',');
  }
  return config;
}

function groupOf(machine: MachineJson): string {
  const group = (machine.config.metadata as Record<string, unknown> | undefined)?.fly_process_group;
  return typeof group === 'string' && group !== '' ? group : 'app';
}

/** flyctl machines_launchinput.go `shouldSkipLaunch`: a machine that was not started,
 * starting or failed (a stopped, suspended or standby one) is updated without being started. */
function skipsLaunch(machine: MachineJson): boolean {
  return !['started', 'starting', 'failed'].includes(machine.state);
}

async function updateEach(
  plan: Plan,
  machines: readonly MachineJson[],
  noWait: boolean,
): Promise<void> {
  const label = noWait ? 'immediate' : 'rolling';
  plan.out(`Updating existing machines in '${plan.app}' with ${label} strategy`);
  plan.out('');
  // Sorted by id, so a retry goes in the same order (flyctl plan.go `updateMachinesWRecovery`).
  const sorted = [...machines].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const [index, machine] of sorted.entries()) {
    if (plan.env.failAfterMachines !== undefined && plan.updated >= plan.env.failAfterMachines) {
      throw new FlyctlError(
        `failed to update machine ${machine.id}: failed_precondition: unable to update ` +
          'machine configuration (simulated by FLY_SIM_FAIL_AFTER_MACHINES)',
      );
    }
    const tag = `[${index + 1}/${machines.length}] Machine ${machine.id} [${groupOf(machine)}]`;
    if (plan.env.stayOnOldImage === index) {
      // The flyctl bug the action has to catch: success reported, nothing changed.
      plan.out(` ✔ ${tag} update finished: success`);
      plan.updated += 1;
      continue;
    }
    plan.out(`  ${tag} Updating`);
    const nonce = await acquireLease(plan, machine.id);
    try {
      const config = newConfig(plan, machine);
      const skipLaunch = skipsLaunch(machine);
      const updated = await updateMachine(plan, machine, config, skipLaunch, nonce);
      plan.updated += 1;
      if (skipLaunch && !noWait) {
        // Updated but not started: flyctl waits for a resting state only (plan.go
        // `updateMachineWChecks`, "Don't wait for SkipLaunch machines" to start).
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
    } finally {
      await releaseLease(plan, machine.id, nonce);
    }
    plan.out(` ✔ ${tag} update finished: success`);
  }
}

async function canary(plan: Plan, first: MachineJson | undefined): Promise<void> {
  plan.out(`Creating canary machine for group app`);
  const config = newConfig(plan, first);
  (config.metadata as Record<string, string>).fly_canary = 'true';
  const { json } = await plan.client.call('POST', '/machines', {
    body: { config, region: first?.region ?? plan.toml?.primaryRegion ?? 'ams' },
  });
  const machine = json as MachineJson;
  plan.out(`  Machine ${machine.id} [app] canary created`);
  await waitStarted(plan, machine.id, machine.instance_id);
  await waitHealthy(plan, machine.id);
  plan.out(`  Machine ${machine.id} [app] canary is healthy, destroying it`);
  await destroy(plan, machine.id);
}

async function bluegreen(plan: Plan, blue: readonly MachineJson[]): Promise<void> {
  plan.out(`Updating existing machines in '${plan.app}' with bluegreen strategy`);
  plan.out('');
  const configs = blue.map((machine) => newConfig(plan, machine));
  if (!configs.every(hasChecks)) {
    throw new FlyctlError(
      'bluegreen deployments require health checks; add [[http_service.checks]] or [checks] ' +
        'to fly.toml',
    );
  }
  plan.out('Creating green machines');
  const green: MachineJson[] = [];
  try {
    for (const [index, machine] of blue.entries()) {
      const { json } = await plan.client.call('POST', '/machines', {
        body: {
          config: configs[index],
          region: machine.region,
          skip_service_registration: true,
        },
      });
      const created = json as MachineJson;
      green.push(created);
      plan.out(`  Created machine ${created.id} [app]`);
    }
    plan.out('Waiting for all green machines to start');
    for (const machine of green) await waitStarted(plan, machine.id, machine.instance_id);
    plan.out('Waiting for all green machines to be healthy');
    for (const machine of green) await waitHealthy(plan, machine.id);
  } catch (error) {
    plan.out('Rolling back failed deployment: destroying green machines');
    for (const machine of green) {
      await plan.client.call('DELETE', `/machines/${machine.id}?force=true`, { accept: [404] });
    }
    throw error;
  }
  plan.out('Marking green machines as ready');
  for (const machine of green) await plan.client.call('POST', `/machines/${machine.id}/uncordon`);
  plan.out('Destroying all blue machines');
  for (const machine of blue) await destroy(plan, machine.id);
  plan.updated = green.length;
  plan.out('Deployment Complete');
}

async function createFirstMachine(plan: Plan): Promise<void> {
  const { json } = await plan.client.call('POST', '/machines', {
    body: { config: newConfig(plan, undefined), region: plan.toml?.primaryRegion ?? 'ams' },
  });
  const machine = json as MachineJson;
  plan.out(`Created machine ${machine.id} [app]`);
  if (plan.detach) return;
  await waitStarted(plan, machine.id, machine.instance_id);
  await waitHealthy(plan, machine.id);
}

/** Destroys a machine and waits (bounded) until it is gone. */
async function destroy(plan: Plan, id: string): Promise<void> {
  await plan.client.call('DELETE', `/machines/${id}?force=true`);
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

async function acquireLease(plan: Plan, id: string): Promise<string> {
  const ttl = Math.ceil(plan.waitTimeoutMs / 1000) + 60;
  try {
    const { json } = await plan.client.call('POST', `/machines/${id}/lease`, {
      body: { ttl, description: `flyctl deploy ${plan.releaseId}` },
    });
    const data = (json as { data?: { nonce?: unknown } }).data;
    if (typeof data?.nonce !== 'string') throw new FlyctlError('lease answer has no nonce');
    return data.nonce;
  } catch (error) {
    throw new FlyctlError(`failed to obtain lease on machine ${id}: ${errorText(error)}`);
  }
}

async function releaseLease(plan: Plan, id: string, nonce: string): Promise<void> {
  try {
    await plan.client.call('DELETE', `/machines/${id}/lease`, { nonce, accept: [404] });
  } catch (error) {
    plan.out(`WARN failed to release lease for machine ${id}: ${errorText(error)}`);
  }
}

async function updateMachine(
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

async function waitStarted(plan: Plan, id: string, instanceId: string): Promise<void> {
  await waitState(plan, id, instanceId, ['started']);
}

/** Until the machine's `instanceId` is in one of `states` (the wait takes them repeated, fly-go
 * flaps_machines_wait.go `WithWaitStates`). */
async function waitState(
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
    const { status } = await plan.client.call('GET', `/machines/${id}/wait?${query.toString()}`, {
      accept: [408],
    });
    if (status === 200) return;
  }
}

/** flyctl leasable_machine.go `WaitForHealthchecksToPass`: nothing to wait for when the
 * config declares no check; else at least one result and all passing. fly-go drops the
 * synthetic `bg_deployments_compat*` checks first (machine_types.go `RemoveCompatChecks`). */
async function waitHealthy(plan: Plan, id: string): Promise<void> {
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

function isAppMachine(machine: MachineJson): boolean {
  const metadata = (machine.config.metadata ?? {}) as Record<string, unknown>;
  return (
    machine.state !== 'destroyed' &&
    machine.state !== 'destroying' &&
    metadata.fly_platform_version === 'v2' &&
    !HELPER_GROUPS.has(
      typeof metadata.fly_process_group === 'string' ? metadata.fly_process_group : 'app',
    ) &&
    metadata.fly_canary === undefined
  );
}

function releaseVersionOf(machine: MachineJson): number {
  const metadata = (machine.config.metadata ?? {}) as Record<string, unknown>;
  const version = Number(metadata.fly_release_version);
  return Number.isInteger(version) ? version : 0;
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
