// The configs the flyctl stand-in sends, built as flyctl builds them
// (internal/command/deploy/machines_launchinput.go, internal/appconfig/machines.go).
import { FLYCTL_VERSION, machineConfig } from '../fly/fly-toml.js';
import type { MachineJson } from './machines-client.js';
import type { Plan } from './machine-ops.js';

/** The machine's new config: built from fly.toml for its own process group, keeping its
 * guest and standbys (flyctl machines_launchinput.go `launchInputForUpdate` builds it with
 * `ToMachineConfig(processGroup, origConfig)`, dropping standbys once the group has services).
 * Without a base machine, a new one of `group` (`launchInputForLaunch`). */
export function newConfig(
  plan: Plan,
  base: MachineJson | undefined,
  group = base === undefined ? 'app' : groupOf(base),
): Record<string, unknown> {
  const guest = base?.config.guest;
  const config = machineConfig(
    plan.toml,
    {
      image: `${plan.image.registry}/${plan.image.repository}:${plan.image.tag}`,
      releaseId: plan.releaseId,
      releaseVersion: plan.version,
    },
    typeof guest === 'object' && guest !== null ? (guest as Record<string, unknown>) : undefined,
    group,
  );
  const standbys = base?.config.standbys;
  if (Array.isArray(standbys) && standbys.length > 0 && config.services === undefined) {
    config.standbys = standbys;
    (config.env as Record<string, string>).FLY_STANDBY_FOR = standbys.join(',');
  }
  return config;
}

export function groupOf(machine: MachineJson): string {
  const group = (machine.config.metadata as Record<string, unknown> | undefined)?.fly_process_group;
  return typeof group === 'string' && group !== '' ? group : 'app';
}

/** flyctl machines_launchinput.go `shouldSkipLaunch`: a machine that was not started,
 * starting or failed (a stopped, suspended or standby one) is updated without being started. */
export function skipsLaunch(machine: MachineJson): boolean {
  return !['started', 'starting', 'failed'].includes(machine.state);
}

/** The temporary machine of `[deploy] release_command` (flyctl appconfig/machines.go
 * `ToReleaseMachineConfig`): the command as init.cmd, never restarted, destroying itself when
 * it exits, in the `fly_app_release_command` group, with RELEASE_COMMAND=1. */
export function releaseCommandConfig(plan: Plan, command: string): Record<string, unknown> {
  const base = machineConfig(plan.toml, {
    image: `${plan.image.registry}/${plan.image.repository}:${plan.image.tag}`,
    releaseId: plan.releaseId,
    releaseVersion: plan.version,
  });
  const group = 'fly_app_release_command';
  return {
    image: base.image,
    // flyctl splits it with shlex; the stand-in splits on blanks (no quoting in its tests).
    init: { cmd: command.split(/\s+/).filter(Boolean) },
    restart: { policy: 'no' },
    auto_destroy: true,
    dns: { skip_registration: true },
    guest: { cpu_kind: 'shared', cpus: 2, memory_mb: 512 },
    env: {
      ...(base.env as Record<string, string>),
      RELEASE_COMMAND: '1',
      FLY_PROCESS_GROUP: group,
    },
    metadata: {
      fly_flyctl_version: FLYCTL_VERSION,
      fly_platform_version: 'v2',
      fly_process_group: group,
      fly_release_id: plan.releaseId,
      fly_release_version: String(plan.version),
    },
  };
}
