// fly.toml → a Machine config, the way flyctl builds one for an app's machines:
// `[http_service]` (+ `[[http_service.checks]]`) becomes a service, `[checks]` top-level
// checks, `[env]` the environment, plus the metadata flyctl tags app machines with.
import { parse } from 'smol-toml';

export type DeployStrategy = 'rolling' | 'canary' | 'bluegreen' | 'immediate';

export interface FlyToml {
  readonly app: string | undefined;
  readonly primaryRegion: string | undefined;
  readonly strategy: DeployStrategy;
  readonly raw: Record<string, unknown>;
}

export interface ReleaseInfo {
  readonly image: string;
  readonly releaseId: string;
  readonly releaseVersion: number;
}

/** The process groups of a fly.toml: the keys of `[processes]`, else just `app`. */
export function processGroups(toml: FlyToml | undefined): string[] {
  const groups = Object.keys(recordOf(toml?.raw.processes));
  return groups.length > 0 ? groups : ['app'];
}

/** Whether `[http_service]` serves `group`: its `processes`, else the group `app`. */
function servesGroup(section: Record<string, unknown>, group: string): boolean {
  const processes = section.processes;
  return Array.isArray(processes) ? processes.includes(group) : group === 'app';
}

export const FLYCTL_VERSION = '0.3.214';
const STRATEGIES: readonly DeployStrategy[] = ['rolling', 'canary', 'bluegreen', 'immediate'];
const DEFAULT_INTERNAL_PORT = 8080;

export function parseFlyToml(text: string): FlyToml {
  const raw = parse(text) as Record<string, unknown>;
  const deploy = recordOf(raw.deploy);
  const strategy = deploy.strategy ?? 'rolling';
  if (typeof strategy !== 'string' || !STRATEGIES.includes(strategy as DeployStrategy)) {
    throw new Error(`invalid deploy strategy ${JSON.stringify(strategy)}`);
  }
  return {
    app: typeof raw.app === 'string' ? raw.app : undefined,
    primaryRegion: typeof raw.primary_region === 'string' ? raw.primary_region : undefined,
    strategy: strategy as DeployStrategy,
    raw,
  };
}

/** Whether the config declares any health check (bluegreen needs one). */
export function hasChecks(config: Record<string, unknown>): boolean {
  const top = recordOf(config.checks);
  const services = Array.isArray(config.services) ? config.services : [];
  return (
    Object.keys(top).length > 0 ||
    services.some(
      (service) =>
        Array.isArray(recordOf(service).checks) &&
        (recordOf(service).checks as unknown[]).length > 0,
    )
  );
}

/** The full config flyctl gives an app machine of this fly.toml running `release`. */
export function machineConfig(
  toml: FlyToml | undefined,
  release: ReleaseInfo,
  guest?: Record<string, unknown>,
  group = 'app',
): Record<string, unknown> {
  const raw = toml?.raw ?? {};
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(recordOf(raw.env))) env[key] = String(value);
  env.FLY_PROCESS_GROUP = group;
  if (toml?.primaryRegion) env.PRIMARY_REGION = toml.primaryRegion;
  const config: Record<string, unknown> = {
    image: release.image,
    env,
    init: {},
    guest: guest ?? { cpu_kind: 'shared', cpus: 1, memory_mb: 256 },
    metadata: {
      fly_flyctl_version: FLYCTL_VERSION,
      fly_platform_version: 'v2',
      fly_process_group: group,
      fly_release_id: release.releaseId,
      fly_release_version: String(release.releaseVersion),
    },
    restart: { policy: 'on-failure', max_retries: 10 },
  };
  // A group's command becomes the machine's init.cmd (flyctl appconfig `ToMachineConfig`);
  // only the groups `[http_service]` names get its service (a worker group serves nothing).
  const command = recordOf(raw.processes)[group];
  if (typeof command === 'string') config.init = { cmd: command.split(/\s+/).filter(Boolean) };
  const http = recordOf(raw.http_service);
  if (raw.http_service === undefined || servesGroup(http, group)) {
    config.services = [httpService(http)];
  }
  const checks = topLevelChecks(recordOf(raw.checks));
  if (Object.keys(checks).length > 0) config.checks = checks;
  return config;
}

function httpService(section: Record<string, unknown>): Record<string, unknown> {
  const internalPort =
    typeof section.internal_port === 'number' ? section.internal_port : DEFAULT_INTERNAL_PORT;
  const checks = (Array.isArray(section.checks) ? section.checks : []).map((entry) => {
    const check = recordOf(entry);
    return {
      type: 'http',
      port: internalPort,
      method: typeof check.method === 'string' ? check.method.toLowerCase() : 'get',
      path: typeof check.path === 'string' ? check.path : '/',
      protocol: typeof check.protocol === 'string' ? check.protocol : 'http',
      ...durations(check),
    };
  });
  // `fly launch` writes auto_stop_machines = 'stop' (or 'suspend'; true is the old spelling).
  const autostop = section.auto_stop_machines;
  return {
    protocol: 'tcp',
    internal_port: internalPort,
    autostop: autostop === true || autostop === 'stop' || autostop === 'suspend' ? 'stop' : 'off',
    autostart: section.auto_start_machines !== false,
    min_machines_running:
      typeof section.min_machines_running === 'number' ? section.min_machines_running : 0,
    ports: [
      { port: 80, handlers: ['http'], force_https: section.force_https === true },
      { port: 443, handlers: ['tls', 'http'] },
    ],
    ...(checks.length > 0 ? { checks } : {}),
  };
}

function topLevelChecks(section: Record<string, unknown>): Record<string, unknown> {
  const checks: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(section)) {
    const check = recordOf(entry);
    const type = check.type === 'tcp' ? 'tcp' : 'http';
    checks[name] = {
      type,
      ...(typeof check.port === 'number' ? { port: check.port } : {}),
      ...(type === 'http'
        ? {
            method: typeof check.method === 'string' ? check.method.toLowerCase() : 'get',
            path: typeof check.path === 'string' ? check.path : '/',
          }
        : {}),
      ...durations(check),
    };
  }
  return checks;
}

function durations(check: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['interval', 'timeout', 'grace_period']) {
    const value = check[key];
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number') out[key] = `${value}s`;
  }
  return out;
}

function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
