// What the action reads from a Fly Machine object, validated, plus the pure judgments on it:
// which machines belong to the app, which image they run, whether that is a given release.

import type { InstanceState, Release, SavedMachine } from '../platform.js';

/** A Fly Machine as the action uses it; `config` is kept whole to be sent back verbatim.
 * `configImage` is usually a tag ref such as `registry.fly.io/app:deployment-01H...`. */
export interface FlyMachine extends SavedMachine {
  readonly name: string;
  readonly state: string;
  /** Tag of the image it runs (`image_ref.tag`), when the API says. */
  readonly tag: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly metadata: Readonly<Record<string, string>>;
  /** The machine's own checks; flaps' synthetic `bg_deployments_compat*` ones left out. */
  readonly checks: readonly { readonly name: string; readonly status: string }[];
  /** Out of the proxy's rotation (bluegreen cordons blue before stopping it). */
  readonly cordoned: boolean;
  /** How its last run ended, from the newest `exit` event, when there is one. */
  readonly lastExit: MachineExit | undefined;
  /** The host is unreachable: Fly sent `incomplete_config`, a partial config not fit to
   * restore or recreate the machine from (fly-go machine_types.go `IncompleteConfig`). */
  readonly incompleteConfig: boolean;
  /** `registry/repository:tag@sha256:digest` from `image_ref` when it names all of them: what
   * a rollback sends, so a re-pushed tag cannot bring back other content. */
  readonly pinnedImage: string | undefined;
}

export interface MachineExit {
  readonly exitCode: number | undefined;
  /** Stopped on request (API, flyctl or the proxy's autostop), not by its own process. */
  readonly requestedStop: boolean;
  /** The exit came after the machine's newest `launch` or `update` event: it is the
   * current config's process that ended, not an earlier one. */
  readonly sinceUpdate: boolean;
}

/** Process groups flyctl runs next to the app that serve nothing. */
const helperGroups = new Set([
  'fly_app_release_command',
  'fly_app_console',
  'fly_app_test_machine_command',
]);

const goneStates = new Set(['destroyed', 'destroying']);

export function parseMachine(value: unknown): FlyMachine {
  const machine = asRecord(value);
  const id = machine?.id;
  if (machine === undefined || typeof id !== 'string' || id === '') {
    throw new Error('Fly Machines API answered with a machine without an id');
  }
  // fly-go `GetConfig`: `config`, else `incomplete_config` when the host is not "ok".
  const full = asRecord(machine.config);
  const partial = full === undefined ? asRecord(machine.incomplete_config) : undefined;
  const config = full ?? partial ?? {};
  const imageRef = asRecord(machine.image_ref) ?? {};
  const configImage = stringOr(config.image, '');
  const digest = nonEmpty(imageRef.digest);
  const registry = nonEmpty(imageRef.registry);
  const repository = nonEmpty(imageRef.repository);
  const pinned =
    digest !== undefined && repository !== undefined
      ? `${registry === undefined ? '' : `${registry}/`}${repository}@${digest}`
      : undefined;
  return {
    id,
    name: stringOr(machine.name, id),
    state: stringOr(machine.state, 'unknown'),
    region: stringOr(machine.region, '-'),
    instanceId: stringOr(machine.instance_id, ''),
    config,
    configImage,
    digest,
    tag: nonEmpty(imageRef.tag),
    labels: stringMap(imageRef.labels),
    image: pinned ?? configImage,
    metadata: stringMap(config.metadata),
    checks: (Array.isArray(machine.checks) ? machine.checks : [])
      .map((check) => {
        const entry = asRecord(check) ?? {};
        return { name: stringOr(entry.name, '?'), status: stringOr(entry.status, 'unknown') };
      })
      // flaps adds these for old flyctl builds; fly-go drops them (machine_types.go
      // `RemoveCompatChecks`), and so does this.
      .filter((check) => !check.name.startsWith('bg_deployments_compat')),
    cordoned: machine.cordoned === true,
    incompleteConfig: partial !== undefined,
    lastExit: lastExitOf(machine.events),
    pinnedImage: pinnedWithTag(registry, repository, nonEmpty(imageRef.tag), digest),
  };
}

function pinnedWithTag(
  registry: string | undefined,
  repository: string | undefined,
  tag: string | undefined,
  digest: string | undefined,
): string | undefined {
  if (repository === undefined || tag === undefined || digest === undefined) return undefined;
  return `${registry === undefined ? '' : `${registry}/`}${repository}:${tag}@${digest}`;
}

/** The newest `exit` event (the API lists events newest first). */
function lastExitOf(events: unknown): MachineExit | undefined {
  if (!Array.isArray(events)) return undefined;
  const records = events.map(asRecord);
  const exitIndex = records.findIndex((event) => event?.type === 'exit');
  const exit = records[exitIndex];
  if (exit === undefined) return undefined;
  const configIndex = records.findIndex((e) => e?.type === 'update' || e?.type === 'launch');
  const details = asRecord(asRecord(exit.request)?.exit_event) ?? {};
  const code = details.exit_code;
  return {
    exitCode: typeof code === 'number' ? code : undefined,
    requestedStop: details.requested_stop === true,
    sinceUpdate: configIndex === -1 || exitIndex < configIndex,
  };
}

export function parseMachineList(body: unknown): FlyMachine[] {
  if (!Array.isArray(body)) throw new Error('Fly Machines API answered without a machine list');
  return body.map(parseMachine);
}

/** Machines of the app itself: Fly Launch (v2) machines, not release-command, console or test
 * machines, not being destroyed. */
export function isAppMachine(machine: FlyMachine): boolean {
  return (
    machine.metadata.fly_platform_version === 'v2' &&
    !helperGroups.has(machine.metadata.fly_process_group ?? '') &&
    !goneStates.has(machine.state)
  );
}

/** The machines grouped by image, the largest group (then the newest version) first. */
export function groupByImage(machines: readonly FlyMachine[]): FlyMachine[][] {
  const groups = new Map<string, FlyMachine[]>();
  for (const machine of machines) {
    const group = groups.get(machine.image);
    if (group) group.push(machine);
    else groups.set(machine.image, [machine]);
  }
  return [...groups.values()].sort((a, b) => b.length - a.length || versionOf(b) - versionOf(a));
}

/** Prefix of the id of a release that is several images at once. */
const MIXED = 'mixed:';

/** What the machines run as one Release; a mix gets an id that names every image in it, so
 * it never equals the id of any single release. */
export function releaseOf(machines: readonly FlyMachine[]): Release {
  const groups = groupByImage(machines);
  const first = groups[0];
  if (first === undefined) throw new Error('no app machine to read a release from');
  if (groups.length === 1) {
    const shown = first[0] === undefined ? '?' : displayImage(first[0]);
    const release = { id: first[0]?.image ?? '', label: labelOf(first) };
    return shown === '?' || shown === release.id ? release : { ...release, image: shown };
  }
  return {
    id: `${MIXED}${groups.map((group) => group[0]?.image ?? '').join('+')}`,
    label: `mixed (${groups.map((group) => `${labelOf(group)} on ${group.length}`).join(', ')})`,
  };
}

/** How the action recognizes its own build when the digest is not known up front. */
export interface ReleaseHint {
  readonly commit: string;
  /** `--image-label` given to flyctl. */
  readonly imageLabel: string | undefined;
}

/** Whether `machine` runs `release`, judged on what it runs (`image_ref`) before what it is
 * configured to run: by digest when both sides have one, else by the build's label or
 * `GH_SHA`, else by tag; the config image only when the machine says nothing else. */
export function runsRelease(
  machine: FlyMachine,
  release: Release,
  hint: ReleaseHint | undefined,
): boolean {
  if (machine.image === release.id) return true;
  // A mixed release (an app that started on several images and was restored so): a machine
  // runs it when it runs one of its images; the rollback checked each machine's own image.
  if (release.id.startsWith(MIXED)) {
    return release.id
      .slice(MIXED.length)
      .split('+')
      .some((image) => runsRelease(machine, { id: image, label: release.label }, undefined));
  }
  const wanted = digestOf(release.id);
  if (wanted !== undefined && machine.digest !== undefined) return machine.digest === wanted;
  if (hint?.imageLabel !== undefined && machine.tag !== undefined) {
    return machine.tag === hint.imageLabel;
  }
  const sha = machine.labels.GH_SHA;
  if (hint !== undefined && sha !== undefined) return sha === hint.commit;
  const tag = tagOf(release.id);
  if (tag !== undefined && machine.tag !== undefined) {
    return machine.tag === tag && repositoryOf(release.id) === repositoryOf(machine.configImage);
  }
  return machine.configImage === release.id;
}

/** Whether two readings of a machine run the same image (digest first). */
export function sameImage(a: SavedMachine, b: SavedMachine): boolean {
  if (a.digest !== undefined && b.digest !== undefined) return a.digest === b.digest;
  return a.configImage === b.configImage;
}

/** One report row; `ok` is the verdict on the machine (serving.ts). */
export function instanceOf(machine: FlyMachine, ok: boolean): InstanceState {
  const passing = machine.checks.filter((check) => check.status === 'passing').length;
  const total = machine.checks.length;
  return {
    id: machine.id,
    region: machine.region,
    image: displayImage(machine),
    state: machine.state,
    checks: total === 0 ? '-' : `${passing}/${total} passing`,
    ok,
  };
}

/** Short image name for tables: tag and the start of the digest. */
export function displayImage(machine: FlyMachine): string {
  const digest = machine.digest?.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1');
  const tag = machine.tag ?? tagOf(machine.configImage);
  if (tag !== undefined && digest !== undefined) return `${tag}@${digest}`;
  return machine.image === '' ? '?' : machine.image;
}

export function digestOf(ref: string): string | undefined {
  return /@(sha256:[0-9a-f]{64})$/.exec(ref)?.[1];
}

/** The tag of `registry/repo:tag` (not the port of a registry host). */
export function tagOf(ref: string): string | undefined {
  const withoutDigest = ref.split('@')[0] ?? '';
  const lastPart = withoutDigest.split('/').pop() ?? '';
  const colon = lastPart.lastIndexOf(':');
  return colon > 0 ? lastPart.slice(colon + 1) : undefined;
}

function repositoryOf(ref: string): string | undefined {
  const name = ref.split('@')[0] ?? '';
  const tag = tagOf(name);
  return name === '' ? undefined : tag === undefined ? name : name.slice(0, -tag.length - 1);
}

function labelOf(group: readonly FlyMachine[]): string {
  const version = versionOf(group);
  return version < 0 ? 'v?' : `v${version}`;
}

/** The highest release version among the machines, -1 when none has one. */
function versionOf(group: readonly FlyMachine[]): number {
  let best = -1;
  for (const machine of group) {
    const version = Number(machine.metadata.fly_release_version);
    if (Number.isInteger(version) && version > best) best = version;
  }
  return best;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function stringMap(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(asRecord(value) ?? {})) {
    if (typeof entry === 'string') result[key] = entry;
    else if (typeof entry === 'number') result[key] = String(entry);
  }
  return result;
}

/** How many health checks a machine config declares (top-level `checks` and the checks of
 * its `services`): with none, there is nothing to wait for. */
export function declaredChecks(config: Readonly<Record<string, unknown>>): number {
  const top = config.checks;
  let count = typeof top === 'object' && top !== null ? Object.keys(top).length : 0;
  const services = Array.isArray(config.services) ? (config.services as unknown[]) : [];
  for (const service of services) {
    const checks = (service as { checks?: unknown } | null)?.checks;
    if (Array.isArray(checks)) count += checks.length;
  }
  return count;
}

/** What a rollback needs of a machine, and nothing else. */
/** What a rollback needs of a machine; its config's image pinned to the digest it ran
 * (`repository:tag@sha256:...`), so the restore cannot bring back a re-pushed tag. */
export function savedMachine(machine: FlyMachine): SavedMachine {
  const { id, region, instanceId, digest, image, state, incompleteConfig } = machine;
  const pinned = machine.pinnedImage;
  const config = pinned === undefined ? machine.config : { ...machine.config, image: pinned };
  return {
    id,
    region,
    instanceId,
    config,
    configImage: pinned ?? machine.configImage,
    digest,
    image,
    state,
    ...(incompleteConfig ? { incompleteConfig } : {}),
  };
}

export function imageOfConfig(config: Readonly<Record<string, unknown>>): string {
  return typeof config.image === 'string' ? config.image : '';
}

export function releaseVersionOf(config: Readonly<Record<string, unknown>>): string | undefined {
  const version = asRecord(config.metadata)?.fly_release_version;
  return typeof version === 'string' || typeof version === 'number' ? String(version) : undefined;
}
