// `flyctl deploy` against the Machines API: the release command first, then flyctl's
// strategies: rolling (rolling.ts), canary (a canary per group, then rolling), bluegreen and
// immediate (no waiting at all), plus the fault knobs tests use.
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDuration } from '../fly/durations.js';
import { hasChecks, parseFlyToml } from '../fly/fly-toml.js';
import type { DeployStrategy, FlyToml } from '../fly/fly-toml.js';
import { releaseId, ulid } from '../fly/ids.js';
import { authorizationFor } from '../fly/token.js';
import type { DeployArgs } from './args.js';
import { buildAndPush, resolveImage } from './image-build.js';
import type { PushedImage } from './image-build.js';
import { FlyctlError, MachinesClient } from './machines-client.js';
import type { MachineJson } from './machines-client.js';
import { destroy, waitHealthy, waitStarted, waitState } from './machine-ops.js';
import type { Out, Plan } from './machine-ops.js';
import { deployCanaries, runReleaseCommand } from './helper-machines.js';
import { newConfig } from './launch-input.js';
import { updateImmediate, updateRolling } from './rolling.js';

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
  /** Each of bluegreen's two late waits (flyctl: 10 s). */
  readonly bluegreenWaitMs: number;
  /** FLY_SIM_CHANGE_NOTHING: exit 0 with no machine changed and no release line, as a flyctl
   * older than v0.4.56 (no release line at all) whose rollout did not happen. */
  readonly changeNothing: boolean;
}

const DEFAULT_WAIT_TIMEOUT_MS = 5 * 60_000;
const STRATEGIES: readonly string[] = ['rolling', 'canary', 'bluegreen', 'immediate'];
const HELPER_GROUPS = new Set([
  'fly_app_release_command',
  'fly_app_console',
  'fly_app_test_machine_command',
]);

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
    refreshers: new Map(),
  };
  out(`Watch your deployment at https://fly.io/apps/${app}/monitoring`);
  out('');
  out('-------');
  if (env.changeNothing) {
    out('-------');
    out(`Visit your newly deployed app at https://${app}.fly.dev/`);
    return;
  }
  // Before any app machine changes; its failure aborts the deploy (`deployMachinesApp`).
  await runReleaseCommand(plan);
  if (machines.length === 0) {
    out('No machines in group app, launching a new machine');
    await createFirstMachine(plan);
  } else if (strategy === 'bluegreen') {
    await bluegreen(plan, machines);
  } else if (strategy === 'immediate') {
    await updateImmediate(plan, machines);
  } else {
    if (strategy === 'canary') await deployCanaries(plan, machines);
    await updateRolling(plan, machines);
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

async function bluegreen(plan: Plan, blue: readonly MachineJson[]): Promise<void> {
  plan.out(`Updating existing machines in '${plan.app}' with bluegreen strategy`);
  plan.out('');
  // flyctl strategy_bluegreen.go `DetectMultipleImageVersions`: refuses a mixed start.
  const images = new Set(blue.map((machine) => machine.image_ref?.digest ?? ''));
  if (images.size > 1) {
    throw new FlyctlError(
      'found multiple image versions; run `fly deploy` with the rolling strategy first',
    );
  }
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
  await retireBlue(plan, blue);
  plan.updated = green.length;
  plan.out('Deployment Complete');
}

/** Bluegreen's late phase (flyctl strategy_bluegreen.go `Deploy`): a wait, blue cordoned
 * (`CordonBlueMachines`), a wait, blue stopped and waited for (`StopBlueMachines`), then
 * destroyed (`DestroyBlueMachines`). flyctl waits 10 s twice; FLY_SIM_BLUEGREEN_WAIT_MS
 * shortens that for tests. Green is left alone from here on, whatever fails. */
async function retireBlue(plan: Plan, blue: readonly MachineJson[]): Promise<void> {
  await sleep(plan.env.bluegreenWaitMs);
  plan.out('Cordoning all blue machines');
  for (const machine of blue) {
    await plan.client.call('POST', `/machines/${machine.id}/cordon`);
    plan.out(`  Machine ${machine.id} cordoned`);
  }
  await sleep(plan.env.bluegreenWaitMs);
  plan.out('Stopping all blue machines');
  for (const machine of blue) await plan.client.call('POST', `/machines/${machine.id}/stop`);
  for (const machine of blue) {
    await waitState(plan, machine.id, machine.instance_id, ['stopped']);
  }
  plan.out('Destroying all blue machines');
  for (const machine of blue) await destroy(plan, machine.id);
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

/** The machines flyctl deploys to: app machines, not its helpers nor canaries (fly-go
 * `ListFlyAppsMachines`). */
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
