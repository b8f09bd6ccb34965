// Turns simulator records into the JSON objects the Heroku Platform API returns.
import type { App, AppFeature, Build, Dyno as HerokuDyno, Release } from '@heroku-cli/schema';
import type { Dyno } from '../router/dyno.js';
import type { AppRecord, BuildRecord, ReleaseRecord } from './model.js';
import { SIM_REGION, SIM_STACK, SIM_USER } from './model.js';
import { eligibleForRollback } from './releases.js';

/** Where the simulator serves output streams (the real ones live on separate hosts). */
export interface StreamUrls {
  build(id: string): string;
  release(id: string): string;
  logSession(id: string): string;
}

const GENERATIONS = {
  cedar: { id: 'c3b7e8b9-2b1e-4c7d-9e5e-0f6c2a1f9b11', name: 'cedar' },
  fir: { id: '0f8e4a1b-6a3d-4f55-8c1e-7b2d9e0a4c33', name: 'fir' },
} as const;

/** What a release runs: a slug on Cedar, an OCI image on Fir (schema: release artifact). */
function artifactType(app: AppRecord): string {
  return app.generation === 'fir' ? 'oci-image' : 'slug';
}

export function appObject(app: AppRecord): App {
  return {
    acm: false,
    archived_at: null,
    buildpack_provided_description: 'Node.js',
    build_stack: { ...SIM_STACK },
    created_at: app.createdAt,
    generation: GENERATIONS[app.generation],
    git_url: `https://git.heroku.com/${app.name}.git`,
    id: app.id,
    internal_routing: null,
    maintenance: false,
    name: app.name,
    owner: { ...SIM_USER },
    organization: null,
    team: null,
    region: { ...SIM_REGION },
    released_at: app.releasedAt,
    repo_size: null,
    slug_size: app.generation === 'fir' ? null : (app.currentRelease?.slug?.sizeBytes ?? null),
    space: null,
    stack: { ...SIM_STACK },
    updated_at: app.updatedAt,
    web_url: app.router.webUrl,
  };
}

export function prebootFeatureObject(app: AppRecord): AppFeature {
  return {
    created_at: app.prebootSince,
    description: 'Provide seamless web dyno deploys',
    doc_url: 'http://devcenter.heroku.com/articles/preboot',
    enabled: app.router.preboot,
    id: '2ac4b0f4-51f4-4f6f-8f2d-2c1b6b8e7e55',
    name: 'preboot',
    state: 'general',
    updated_at: app.prebootSince,
    display_name: 'Preboot',
    feedback_email: 'preboot-feedback@heroku.com',
  };
}

/** The published types predate `expired`; the official schema lists it. */
type ReleaseObject = Omit<Release, 'status'> & { status: ReleaseRecord['status'] };

export function releaseObject(
  app: AppRecord,
  release: ReleaseRecord,
  urls: StreamUrls,
): ReleaseObject {
  return {
    addon_plan_names: [],
    artifacts: release.slug ? [{ type: artifactType(app), id: release.slug.id }] : [],
    app: { id: app.id, name: app.name },
    created_at: release.createdAt,
    description: release.description,
    id: release.id,
    updated_at: release.updatedAt,
    slug: release.slug && app.generation === 'cedar' ? { id: release.slug.id } : null,
    status: release.status,
    user: { ...SIM_USER },
    version: release.version,
    current: app.currentRelease === release,
    output_stream_url: release.output ? urls.release(release.id) : null,
    eligible_for_rollback: eligibleForRollback(release),
  };
}

/** `release` is null until the build succeeded (the published types predate that). */
type BuildObject = Omit<Build, 'release'> & { release: { id: string } | null };

export function buildObject(app: AppRecord, build: BuildRecord, urls: StreamUrls): BuildObject {
  return {
    app: { id: app.id },
    buildpacks: [{ url: 'heroku/nodejs', name: 'heroku/nodejs' }],
    created_at: build.createdAt,
    id: build.id,
    output_stream_url: urls.build(build.id),
    source_blob: { ...build.sourceBlob },
    release: build.release ? { id: build.release.id } : null,
    slug: build.slug && app.generation === 'cedar' ? { id: build.slug.id } : null,
    stack: SIM_STACK.name,
    status: build.status,
    updated_at: build.updatedAt,
    user: { ...SIM_USER },
  };
}

export function dynoObject(app: AppRecord, dyno: Dyno): HerokuDyno {
  return {
    attach_url: null,
    command: dyno.spec.command,
    created_at: dyno.createdAt,
    id: dyno.id,
    name: dyno.spec.name,
    release: { id: dyno.spec.release.id, version: dyno.spec.release.version },
    app: { id: app.id, name: app.name },
    // Dev Center "Preboot": only on Standard and Performance dynos.
    size: app.router.preboot ? 'Standard-1X' : 'Basic',
    state: dyno.state,
    type: dyno.type,
    updated_at: dyno.updatedAt,
  };
}
