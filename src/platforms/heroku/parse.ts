// The Heroku Platform API objects this action relies on, validated, and the pure readings of
// them: a release as the flow names it, the web dynos as an instance report.
import type { Build, Dyno, Release as HerokuRelease } from '@heroku-cli/schema';
import type { InstanceReport, InstanceState, Release } from '../platform.js';
import { readContent, readEligible, readStatus } from './release-fields.js';
import type { ReleaseStatus } from './release-fields.js';

/** The fields of a Heroku release this action relies on, validated. */
export interface ReleaseState {
  readonly id: string;
  readonly version: number;
  readonly status: ReleaseStatus | undefined;
  readonly current: boolean;
  readonly outputStreamUrl: string | undefined;
  /** Slug id, or the image of a Fir-generation release. */
  readonly content: string | undefined;
  readonly eligibleForRollback: boolean | undefined;
}

export interface BuildState {
  readonly id: string;
  readonly status: 'pending' | 'succeeded' | 'failed';
  readonly releaseId: string | undefined;
  readonly outputStreamUrl: string | undefined;
}

export function toRelease(state: ReleaseState): Release {
  return {
    id: state.id,
    label: `v${state.version}`,
    ...(state.content === undefined ? {} : { content: state.content }),
  };
}

export function requireObject<T>(value: unknown, what: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`Heroku API answered without a ${what} object`);
  }
  return value as T;
}

const statuses = ['pending', 'succeeded', 'failed'] as const;
type Status = (typeof statuses)[number];

function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && (statuses as readonly string[]).includes(value);
}

function streamUrl(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function parseRelease(body: unknown): ReleaseState {
  const release = requireObject<HerokuRelease>(body, 'release');
  if (typeof release.id !== 'string' || typeof release.version !== 'number') {
    throw new Error('Heroku API answered with a release without id or version');
  }
  // Any status reads: only the releases the action waits on must end succeeded or failed.
  return {
    id: release.id,
    version: release.version,
    status: readStatus(release.status),
    current: release.current === true,
    content: readContent(release),
    eligibleForRollback: readEligible(release.eligible_for_rollback),
    outputStreamUrl: streamUrl(release.output_stream_url),
  };
}

export function parseBuild(body: unknown): BuildState {
  const build = requireObject<Build>(body, 'build');
  if (typeof build.id !== 'string' || !isStatus(build.status)) {
    throw new Error('Heroku API answered with a build without id or status');
  }
  const releaseId: unknown = build.release?.id;
  return {
    id: build.id,
    status: build.status,
    releaseId: typeof releaseId === 'string' && releaseId !== '' ? releaseId : undefined,
    outputStreamUrl: streamUrl(build.output_stream_url),
  };
}

/** Every web dyno up and on `release`; the others named with what they are on. */
export function dynoReport(body: unknown, release: Release): InstanceReport {
  const dynos = (Array.isArray(body) ? body : [])
    .map((item) => requireObject<Dyno>(item, 'dyno'))
    .filter((dyno) => dyno.type === 'web');
  const instances: InstanceState[] = dynos.map((dyno) => ({
    id: dyno.name ?? dyno.id ?? '?',
    region: '-',
    image: `v${String(dyno.release?.version ?? '?')}`,
    state: dyno.state ?? 'unknown',
    checks: '-',
    ok: dyno.release?.id === release.id && dyno.state === 'up',
  }));
  const bad = instances.filter((instance) => !instance.ok);
  if (instances.length === 0) {
    return { ok: false, reason: 'no web dyno is running', instances };
  }
  return {
    ok: bad.length === 0,
    reason:
      bad.length === 0
        ? `${instances.length} web dyno${instances.length === 1 ? '' : 's'} up on ${release.label}`
        : bad.map((dyno) => `${dyno.id} is ${dyno.state} on ${dyno.image}`).join('; '),
    instances,
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
