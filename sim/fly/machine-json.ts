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
    config: machine.config,
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
    host_status: 'ok',
    ...(machine.cordoned ? { cordoned: true } : {}),
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
