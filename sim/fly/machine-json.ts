// Machines and leases as the Machines API serialises them.
import type { FlyMachine, LeaseRecord } from './machine.js';

export function machineJson(machine: FlyMachine, includeLease = false): Record<string, unknown> {
  const checks = machine.checks.map((check) => ({
    name: check.name,
    status: check.status,
    output: check.output,
    updated_at: check.updatedAt,
  }));
  // flaps still adds synthetic `bg_deployments_compat*` checks for old flyctl builds (fly-go
  // machine_types.go `RemoveCompatChecks`); their status is up to the test.
  const services = machine.config.services;
  if (machine.compatChecks !== undefined && Array.isArray(services) && services.length > 0) {
    checks.push({
      name: 'bg_deployments_compat_http',
      status: machine.compatChecks,
      output: 'synthetic check for older flyctl versions',
      updated_at: machine.updatedAt,
    });
  }
  const lease = machine.leaseActive();
  return {
    id: machine.id,
    name: machine.name,
    state: machine.state,
    region: machine.region,
    instance_id: machine.instanceId,
    private_ip: machine.privateIp,
    // A machine whose host is unreachable has only a partial config, under another key (fly-go
    // machine_types.go `IncompleteConfig`, `GetConfig`): not fit to clone or recreate it.
    ...(machine.hostUnreachable
      ? { incomplete_config: partialConfig(machine.config) }
      : { config: machine.config }),
    image_ref: {
      registry: machine.image.registry,
      repository: machine.image.repository,
      tag: machine.image.tag,
      digest: machine.image.digest,
      labels: machine.image.labels,
    },
    created_at: machine.createdAt,
    updated_at: machine.updatedAt,
    events: machine.events,
    ...(checks.length > 0 ? { checks } : {}),
    host_status: machine.hostUnreachable ? 'unreachable' : 'ok',
    ...(machine.cordoned ? { cordoned: true } : {}),
    // Only with `include_leases=true` (Machines OpenAPI `Machines_list`), as `StrippedLease`.
    ...(includeLease && lease
      ? {
          lease: {
            owner: lease.owner,
            description: lease.description,
            expires_at: lease.expiresAt,
          },
        }
      : {}),
  };
}

/** What a host-unreachable answer still knows: the image and metadata, nothing to run it. */
function partialConfig(config: Record<string, unknown>): Record<string, unknown> {
  return { image: config.image, metadata: config.metadata };
}

/** Fly wraps a lease in `{status, data}`; the nonce is `data.nonce`. */
export function leaseJson(lease: LeaseRecord): Record<string, unknown> {
  return {
    status: 'success',
    data: {
      nonce: lease.nonce,
      expires_at: lease.expiresAt,
      owner: lease.owner,
      description: lease.description,
      version: lease.version,
    },
  };
}
