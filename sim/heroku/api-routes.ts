// The Heroku Platform API endpoints the simulator serves, each tied to its link in Heroku's
// hyper-schema (resource + title) so requests and responses can be checked against it.
import type { SourceBlob } from './account.js';
import { HerokuApiError, isRecord } from './http-io.js';
import {
  appObject,
  buildObject,
  dynoObject,
  prebootFeatureObject,
  releaseObject,
} from './objects.js';
import { InvalidRangeError, paginate, parseRange } from './range.js';
import { CLI_ROUTES } from './cli-routes.js';
import { appOf, releaseOf, route } from './route-kit.js';
import type { Route } from './route-kit.js';

export type { ApiAnswer, ApiCall, ApiContext, Route } from './route-kit.js';

function sourceBlobOf(body: unknown): SourceBlob {
  const blob = isRecord(body) ? body.source_blob : undefined;
  const field = (name: string): string | null => {
    const value = isRecord(blob) ? blob[name] : undefined;
    return typeof value === 'string' ? value : null;
  };
  const url = field('url');
  if (url === null) {
    throw new HerokuApiError(422, 'invalid_params', 'source_blob.url is required.');
  }
  return {
    url,
    checksum: field('checksum'),
    version: field('version'),
    version_description: field('version_description'),
  };
}

export const ROUTES: readonly Route[] = [
  route('GET', '/apps/{app}', { resource: 'app', title: 'Info' }, (ctx, call) => ({
    status: 200,
    body: appObject(appOf(ctx, call)),
  })),

  route(
    'GET',
    '/apps/{app}/features/{feature}',
    { resource: 'app-feature', title: 'Info' },
    (ctx, call) => {
      const app = appOf(ctx, call);
      const feature = call.params[1];
      if (feature !== 'preboot') {
        throw new HerokuApiError(404, 'not_found', "Couldn't find that feature.");
      }
      return { status: 200, body: prebootFeatureObject(app) };
    },
  ),

  route('GET', '/apps/{app}/releases', { resource: 'release', title: 'List' }, (ctx, call) => {
    const app = appOf(ctx, call);
    const header = call.headers.range;
    let range;
    try {
      // Version first: without a Range, releases come oldest first, as Heroku lists them.
      range = parseRange(header, ['version', 'id']);
    } catch (error) {
      if (error instanceof InvalidRangeError) {
        throw new HerokuApiError(400, 'bad_request', error.message);
      }
      throw error;
    }
    const page = paginate(app.releases, range, (release, field) =>
      field === 'version' ? release.version : release.id,
    );
    const body = page.items.map((release) => releaseObject(app, release, ctx.urls));
    const headers: Record<string, string> = { 'accept-ranges': 'id, version' };
    if (page.nextRange === undefined) return { status: 200, body, headers };
    return { status: 206, body, headers: { ...headers, 'next-range': page.nextRange } };
  }),

  route(
    'GET',
    '/apps/{app}/releases/{release}',
    { resource: 'release', title: 'Info' },
    (ctx, call) => {
      const app = appOf(ctx, call);
      const release = releaseOf(app, call.params[1] ?? '');
      return { status: 200, body: releaseObject(app, release, ctx.urls) };
    },
  ),

  route(
    'POST',
    '/apps/{app}/releases',
    (body) => ({
      resource: 'release',
      title: isRecord(body) && 'release' in body ? 'Rollback' : 'Create',
    }),
    (ctx, call) => {
      const app = appOf(ctx, call);
      const body = isRecord(call.body) ? call.body : {};
      if (typeof body.release === 'string') {
        const target = releaseOf(app, body.release);
        return {
          status: 201,
          body: releaseObject(app, ctx.account.rollback(app, target), ctx.urls),
        };
      }
      const slugId = typeof body.slug === 'string' ? body.slug : '';
      const slug = ctx.account.findSlug(slugId);
      if (!slug) throw new HerokuApiError(404, 'not_found', "Couldn't find that slug.");
      const description =
        typeof body.description === 'string' ? body.description : `Deploy ${slug.id.slice(0, 8)}`;
      const release = ctx.account.release(app, slug, description);
      return { status: 201, body: releaseObject(app, release, ctx.urls) };
    },
  ),

  route('POST', '/sources', { resource: 'source', title: 'Create' }, async (ctx) => ({
    status: 201,
    body: { source_blob: await ctx.blobs.createSource(ctx.baseUrl) },
  })),

  route('POST', '/apps/{app}/builds', { resource: 'build', title: 'Create' }, (ctx, call) => {
    const app = appOf(ctx, call);
    const build = ctx.account.startBuild(app, sourceBlobOf(call.body));
    return { status: 201, body: buildObject(app, build, ctx.urls) };
  }),

  route('GET', '/apps/{app}/builds', { resource: 'build', title: 'List' }, (ctx, call) => {
    const app = appOf(ctx, call);
    let range;
    try {
      range = parseRange(call.headers.range, ['created_at', 'id', 'started_at', 'updated_at']);
    } catch (error) {
      if (error instanceof InvalidRangeError) {
        throw new HerokuApiError(400, 'bad_request', error.message);
      }
      throw error;
    }
    const page = paginate(app.builds, range, (build, field) =>
      field === 'id' ? build.id : field === 'updated_at' ? build.updatedAt : build.createdAt,
    );
    const body = page.items.map((build) => buildObject(app, build, ctx.urls));
    const headers: Record<string, string> = {
      'accept-ranges': 'created_at, id, started_at, updated_at',
    };
    if (page.nextRange === undefined) return { status: 200, body, headers };
    return { status: 206, body, headers: { ...headers, 'next-range': page.nextRange } };
  }),

  route('GET', '/apps/{app}/builds/{build}', { resource: 'build', title: 'Info' }, (ctx, call) => {
    const app = appOf(ctx, call);
    const build = app.builds.find((candidate) => candidate.id === call.params[1]);
    if (!build) throw new HerokuApiError(404, 'not_found', "Couldn't find that build.");
    return { status: 200, body: buildObject(app, build, ctx.urls) };
  }),

  route(
    'POST',
    '/apps/{app}/log-sessions',
    { resource: 'log-session', title: 'Create' },
    (ctx, call) => {
      const app = appOf(ctx, call);
      const body = isRecord(call.body) ? call.body : {};
      const id = ctx.account.logs.create(app.name, {
        ...(typeof body.lines === 'number' ? { lines: body.lines } : {}),
        ...(typeof body.source === 'string' ? { source: body.source } : {}),
        ...(typeof body.dyno_name === 'string' ? { dyno_name: body.dyno_name } : {}),
      });
      const now = new Date().toISOString();
      const logplexUrl = ctx.urls.logSession(id);
      return {
        status: 201,
        body: { id, logplex_url: logplexUrl, created_at: now, updated_at: now },
      };
    },
  ),

  route('GET', '/apps/{app}/dynos', { resource: 'dyno', title: 'List' }, (ctx, call) => {
    const app = appOf(ctx, call);
    return { status: 200, body: app.router.dynos().map((dyno) => dynoObject(app, dyno)) };
  }),
];

export function findRoute(
  method: string,
  pathname: string,
): { route: Route; params: string[] } | undefined {
  for (const candidate of [...ROUTES, ...CLI_ROUTES]) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(pathname);
    if (match) return { route: candidate, params: match.slice(1).map(decodeSegment) };
  }
  return undefined;
}

function decodeSegment(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return segment ?? '';
  }
}
