// The Machines API operations the simulator serves, by OpenAPI operationId. Each answers with
// a status and a JSON body, or throws FlyApiError for Fly's `{"error": "..."}` answers.
import { leaseNonce } from './ids.js';
import type { ImageRecord } from './image-store.js';
import type { FlyMachine } from './machine.js';
import { leaseJson, machineJson } from './machine-json.js';
import type { FlyApp, FlyPlatform } from './platform.js';

export class FlyApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RouteRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

export interface RouteAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface RouteContext {
  readonly platform: FlyPlatform;
  /** Who holds leases taken with the configured token. */
  readonly owner: string;
}

type Handler = (context: RouteContext, request: RouteRequest) => RouteAnswer | Promise<RouteAnswer>;

const DEFAULT_LEASE_TTL_S = 30;
const DEFAULT_WAIT_TIMEOUT_S = 60;
const MAX_WAIT_TIMEOUT_S = 60;
const PRIMARY_REGION_FALLBACK = 'ams';

const ok = (body: unknown, status = 200): RouteAnswer => ({ status, body });

export const ROUTES: Readonly<Record<string, Handler>> = {
  Apps_show(context, request) {
    const app = appOf(context, request);
    return ok({
      id: app.id,
      name: app.name,
      machine_count: app.machines.filter((m) => m.state !== 'destroyed').length,
      network: 'default',
      organization: { name: 'Acme', slug: 'acme' },
      status: 'deployed',
    });
  },

  Machines_list(context, request) {
    const app = appOf(context, request);
    const { query } = request;
    const includeDeleted = query.get('include_deleted') === 'true';
    const region = query.get('region');
    const states = query.get('state')?.split(',').filter(Boolean);
    const metadata = [...query.entries()]
      .filter(([key]) => key.startsWith('metadata.'))
      .map(([key, value]) => [key.slice('metadata.'.length), value] as const);
    const machines = app.machines.filter((machine) => {
      if (machine.state === 'destroyed' && !includeDeleted) return false;
      if (region && machine.region !== region) return false;
      if (states && !states.includes(machine.state)) return false;
      const own = recordOf(machine.config.metadata);
      return metadata.every(([key, value]) => own[key] === value);
    });
    const withLeases = query.get('include_leases') === 'true';
    return ok(machines.map((machine) => machineJson(machine, withLeases)));
  },

  async Machines_create(context, request) {
    const app = appOf(context, request);
    const body = recordOf(request.body);
    const config = configOf(body);
    const image = imageOf(context, config);
    const region =
      typeof body.region === 'string' && body.region !== ''
        ? body.region
        : (app.regions[0] ?? PRIMARY_REGION_FALLBACK);
    const machine = await context.platform.createMachine(app, {
      config,
      image,
      region,
      name: typeof body.name === 'string' && body.name !== '' ? body.name : undefined,
      skipLaunch: body.skip_launch === true,
      skipServiceRegistration: body.skip_service_registration === true,
    });
    // Not visible yet for the app's lag (only machines created through the API after it was
    // set: flyctl leasable_machine.go `WaitForState` retries a 404 for a machine it created).
    machine.visibleAtMs = Date.now() + app.createVisibilityLagMs;
    let nonce: string | undefined;
    if (typeof body.lease_ttl === 'number') {
      nonce = takeLease(context, machine, body.lease_ttl, '').nonce;
    }
    return ok({ ...machineJson(machine), ...(nonce ? { nonce } : {}) });
  },

  Machines_show(context, request) {
    const machine = machineOf(context, request);
    return ok(machineJson(machine, request.query.get('include_leases') === 'true'));
  },

  Machines_update(context, request) {
    const machine = liveMachineOf(context, request);
    requireLease(machine, request);
    const body = recordOf(request.body);
    const config = configOf(body);
    const image = imageOf(context, config);
    if (typeof body.current_version === 'string' && body.current_version !== machine.instanceId) {
      throw new FlyApiError(
        412,
        `failed_precondition: machine version ${machine.instanceId} does not match ` +
          `current_version ${body.current_version}`,
      );
    }
    if (body.skip_service_registration === true) machine.cordoned = true;
    // The new instance exists at once; stopping the old process and booting continue async.
    void machine.update(config, image, body.skip_launch === true);
    return ok(machineJson(machine));
  },

  Machines_delete(context, request) {
    const force = request.query.get('force') === 'true';
    // A forced destroy is how flyctl gets rid of a machine on an unreachable host (flyctl
    // machines_deploymachinesapp.go `updateMachineByReplace`, strategy_bluegreen.go `hostIsOk`).
    const machine = force ? existingMachineOf(context, request) : liveMachineOf(context, request);
    requireLease(machine, request);
    if (!force && ['started', 'starting', 'replacing'].includes(machine.state)) {
      throw new FlyApiError(
        412,
        'failed_precondition: unable to destroy machine, not currently stopped or suspended',
      );
    }
    void machine.destroy();
    return ok({ ok: true });
  },

  Machines_stop(context, request) {
    const machine = liveMachineOf(context, request);
    requireLease(machine, request);
    void machine.stop();
    return ok({ ok: true });
  },

  async Machines_start(context, request) {
    const machine = liveMachineOf(context, request);
    requireLease(machine, request);
    const previous = machine.state;
    if (previous === 'stopped' || previous === 'created') await machine.start();
    return ok({ previous_state: previous, migrated: false, new_host: '' });
  },

  async Machines_restart(context, request) {
    const machine = liveMachineOf(context, request);
    requireLease(machine, request);
    await machine.stop();
    await machine.start();
    return ok({ ok: true });
  },

  Machines_cordon(context, request) {
    const machine = liveMachineOf(context, request);
    requireLease(machine, request);
    machine.cordoned = true;
    return ok({ ok: true });
  },

  Machines_uncordon(context, request) {
    const machine = liveMachineOf(context, request);
    requireLease(machine, request);
    machine.cordoned = false;
    return ok({ ok: true });
  },

  async Machines_wait(context, request) {
    const machine = machineOf(context, request);
    // Repeated or comma-separated states (OpenAPI; fly-go flaps_machines_wait.go sends them
    // repeated); `version` is the current name of the deprecated `instance_id`.
    const wanted = request.query.getAll('state').flatMap((value) => value.split(','));
    const states = wanted.filter(Boolean).length > 0 ? wanted.filter(Boolean) : ['started'];
    const instanceId =
      request.query.get('version') ?? request.query.get('instance_id') ?? undefined;
    const seconds = Math.min(
      MAX_WAIT_TIMEOUT_S,
      Math.max(1, Number(request.query.get('timeout') ?? DEFAULT_WAIT_TIMEOUT_S)),
    );
    if (instanceId !== undefined && !machine.versions.some((v) => v.version === instanceId)) {
      throw new FlyApiError(400, `invalid instance_id ${instanceId} for machine ${machine.id}`);
    }
    if (await machine.waitFor(states, instanceId, seconds * 1000)) {
      return ok({ ok: true, state: machine.state, version: machine.instanceId });
    }
    throw new FlyApiError(
      408,
      `deadline_exceeded: machine ${machine.id} did not reach state ${states.join(',')} within ` +
        `${seconds}s (now ${machine.state})`,
    );
  },

  Machines_create_lease(context, request) {
    const machine = liveMachineOf(context, request);
    const body = recordOf(request.body);
    const held = machine.leaseActive();
    const given = headerOf(request, 'fly-machine-lease-nonce');
    if (held && held.nonce !== given) throw leaseHeld(machine, held.owner, held.expiresAt);
    const ttl = typeof body.ttl === 'number' && body.ttl > 0 ? body.ttl : DEFAULT_LEASE_TTL_S;
    const description = typeof body.description === 'string' ? body.description : '';
    return ok(leaseJson(takeLease(context, machine, ttl, description, held?.nonce)));
  },

  Machines_show_lease(context, request) {
    const machine = machineOf(context, request);
    const held = machine.leaseActive();
    if (!held) throw new FlyApiError(404, 'lease not found');
    return ok(leaseJson(held));
  },

  Machines_release_lease(context, request) {
    const machine = machineOf(context, request);
    const held = machine.leaseActive();
    if (!held) throw new FlyApiError(404, 'lease not found');
    if (headerOf(request, 'fly-machine-lease-nonce') !== held.nonce) {
      throw new FlyApiError(409, 'lease nonce mismatch: the lease is held by someone else');
    }
    machine.lease = undefined;
    return ok({ status: 'success' });
  },

  Machines_list_versions(context, request) {
    const machine = machineOf(context, request);
    return ok(machine.versions.map((v) => ({ version: v.version, user_config: v.config })));
  },

  Machines_list_events(context, request) {
    const machine = machineOf(context, request);
    const limit = Number(request.query.get('limit') ?? machine.events.length);
    return ok(machine.events.slice(0, Math.max(0, limit)));
  },

  Machines_show_metadata(context, request) {
    return ok(recordOf(machineOf(context, request).config.metadata));
  },
};

function takeLease(
  context: RouteContext,
  machine: FlyMachine,
  ttlSeconds: number,
  description: string,
  keepNonce?: string,
): NonNullable<FlyMachine['lease']> {
  machine.lease = {
    nonce: keepNonce ?? leaseNonce(),
    owner: context.owner,
    description,
    expiresAt: Math.floor(Date.now() / 1000) + Math.ceil(ttlSeconds),
    version: machine.instanceId,
  };
  return machine.lease;
}

/** Changes to a leased machine need the lease's nonce, as on Fly. */
function requireLease(machine: FlyMachine, request: RouteRequest): void {
  const held = machine.leaseActive();
  if (!held) return;
  const given = headerOf(request, 'fly-machine-lease-nonce');
  if (given === undefined) throw leaseHeld(machine, held.owner, held.expiresAt);
  if (given !== held.nonce) {
    throw new FlyApiError(412, 'failed_precondition: lease nonce mismatch');
  }
}

function leaseHeld(machine: FlyMachine, owner: string, expiresAt: number): FlyApiError {
  const until = new Date(expiresAt * 1000).toISOString();
  return new FlyApiError(
    409,
    `machine ${machine.id} lease currently held by ${owner}, expires at ${until}`,
  );
}

function appOf(context: RouteContext, request: RouteRequest): FlyApp {
  const app = context.platform.findApp(request.params.app_name ?? '');
  if (!app) throw new FlyApiError(404, 'app not found');
  return app;
}

function machineOf(context: RouteContext, request: RouteRequest): FlyMachine {
  const app = appOf(context, request);
  const machine = app.machines.find((m) => m.id === request.params.machine_id);
  if (!machine) throw new FlyApiError(404, 'machine not found');
  if (Date.now() < machine.visibleAtMs) {
    throw new FlyApiError(404, 'machine not found');
  }
  return machine;
}

function liveMachineOf(context: RouteContext, request: RouteRequest): FlyMachine {
  const machine = existingMachineOf(context, request);
  if (machine.hostUnreachable) {
    throw new FlyApiError(503, `unavailable: the host of machine ${machine.id} is unreachable`);
  }
  return machine;
}

function existingMachineOf(context: RouteContext, request: RouteRequest): FlyMachine {
  const machine = machineOf(context, request);
  if (machine.state === 'destroyed' || machine.state === 'destroying') {
    throw new FlyApiError(
      412,
      `failed_precondition: machine ${machine.id} is ${machine.state}, it cannot be changed`,
    );
  }
  return machine;
}

function configOf(body: Record<string, unknown>): Record<string, unknown> {
  const config = body.config;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new FlyApiError(400, 'invalid_argument: config is required');
  }
  return structuredClone(config as Record<string, unknown>);
}

function imageOf(context: RouteContext, config: Record<string, unknown>): ImageRecord {
  if (typeof config.image !== 'string' || config.image === '') {
    throw new FlyApiError(400, 'invalid_argument: config.image is required');
  }
  const image = context.platform.images.resolve(config.image);
  if (!image) {
    throw new FlyApiError(
      422,
      `failed to get manifest ${config.image}: unable to pull image, not found`,
    );
  }
  return image;
}

function headerOf(request: RouteRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
