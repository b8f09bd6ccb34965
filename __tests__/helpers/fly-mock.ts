// The shared mock API (mock-api.ts) standing in for the Fly Machines API, plus machine
// objects shaped like Fly's.

import type { Interceptable } from 'undici';
import type {
  FlyDeploySettings,
  FlySettings,
  PlatformSettings,
} from '../../src/platforms/platform.js';
import type { FlyDeps } from '../../src/platforms/fly/fly.js';
import { createMockApi } from './mock-api.js';
import type { MockApi } from './mock-api.js';

export { header, jsonBody } from './mock-api.js';

export const flyApiUrl = 'https://api.machines.test';
export const flyApp = 'demo';
export const macaroonToken = 'FlyV1 fm2_lJPECAAAAAAAAMQQ,fm2_lJPEtZ2FvYWJj';
export const appPath = `/v1/apps/${flyApp}`;

export interface FlyMock extends Omit<MockApi, 'deps'> {
  readonly api: Interceptable;
  readonly deps: Partial<FlyDeps>;
}

export type FlySettingsOverrides = Partial<PlatformSettings> & {
  readonly fly?: Partial<FlyDeploySettings>;
};

export function flySettings(overrides: FlySettingsOverrides = {}): FlySettings {
  const { fly, ...rest } = overrides;
  return {
    app: flyApp,
    apiUrl: flyApiUrl,
    apiToken: macaroonToken,
    sourceDir: '/work/app',
    userAgent: 'guarded-deploy/0.0.0-test',
    ...rest,
    fly: {
      flyConfig: '/work/app/fly.toml',
      image: undefined,
      flyctlArgs: [],
      flyctlPath: '/usr/local/bin/flyctl',
      ...fly,
    },
  };
}

export function createFlyMock(): FlyMock {
  const mock = createMockApi();
  return {
    ...mock,
    api: mock.agent.get(flyApiUrl),
    deps: {
      ...mock.deps,
      machineWaitMs: 120_000,
      leaseAttempts: 3,
      leaseRetryMs: 500,
      watchSignals: () => () => undefined,
    },
  };
}

export interface MachineFields {
  readonly region?: string;
  /** Image label (tag) and the digest's repeated hex character. */
  readonly tag?: string;
  readonly digestChar?: string;
  readonly version?: number;
  readonly instance?: string;
  readonly state?: string;
  readonly checks?: readonly string[];
  readonly group?: string;
  readonly platformVersion?: string;
  readonly sha?: string;
  readonly extraMetadata?: Readonly<Record<string, string>>;
}

export function digest(char: string): string {
  return `sha256:${char.repeat(64)}`;
}

/** The image ref the platform names a release by: pinned by digest. */
export function pinned(char: string): string {
  return `registry.fly.io/${flyApp}@${digest(char)}`;
}

/** How a release's image reads in words and tables: tag and the start of the digest. */
export function shownImage(char: string, tag = 'deployment-v1'): string {
  return `${tag}@${digest(char).slice(0, 'sha256:'.length + 12)}`;
}

/** A machine object as `GET /v1/apps/{app}/machines` lists it. */
export function machineBody(id: string, fields: MachineFields = {}): Record<string, unknown> {
  const tag = fields.tag ?? 'deployment-v1';
  const version = fields.version ?? 1;
  return {
    id,
    name: `name-${id}`,
    state: fields.state ?? 'started',
    region: fields.region ?? 'ams',
    instance_id: fields.instance ?? `inst-${id}-${version}`,
    private_ip: 'fdaa:0:1::2',
    config: {
      image: `registry.fly.io/${flyApp}:${tag}`,
      env: { PORT: '8080' },
      guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 256 },
      services: [{ internal_port: 8080, protocol: 'tcp', ports: [{ port: 443 }] }],
      checks: { alive: { type: 'http', port: 8080, path: '/health' } },
      metadata: {
        fly_platform_version: fields.platformVersion ?? 'v2',
        fly_process_group: fields.group ?? 'app',
        fly_release_id: `rel-${version}`,
        fly_release_version: String(version),
        ...fields.extraMetadata,
      },
    },
    image_ref: {
      registry: 'registry.fly.io',
      repository: flyApp,
      tag,
      digest: digest(fields.digestChar ?? 'a'),
      labels: fields.sha === undefined ? {} : { GH_SHA: fields.sha },
    },
    checks: (fields.checks ?? ['passing', 'passing']).map((status, index) => ({
      name: `check-${index}`,
      status,
      output: status === 'passing' ? 'OK' : 'connection refused',
      updated_at: '2026-01-01T00:00:00Z',
    })),
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
}
