// What every simulated API route is made of: the context it runs in, the call and answer
// shapes, and the lookups of an app and a release that answer 404 like Heroku.
import type { IncomingHttpHeaders } from 'node:http';
import type { HerokuLinkRef } from '../contract/heroku-schema.js';
import type { HerokuAccount } from './account.js';
import type { BlobStore } from './blob-store.js';
import { HerokuApiError } from './http-io.js';
import type { AppRecord, ReleaseRecord } from './model.js';
import type { StreamUrls } from './objects.js';

export interface ApiContext {
  readonly account: HerokuAccount;
  readonly blobs: BlobStore;
  readonly urls: StreamUrls;
  readonly baseUrl: string;
}

export interface ApiCall {
  readonly params: readonly string[];
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** The schema link; for POST /apps/{app}/releases it depends on the body. */
  link(body: unknown): HerokuLinkRef;
  handle(ctx: ApiContext, call: ApiCall): Promise<ApiAnswer> | ApiAnswer;
}

const SEGMENT = '([^/]+)';

export function route(
  method: string,
  template: string,
  link: HerokuLinkRef | ((body: unknown) => HerokuLinkRef),
  handle: Route['handle'],
): Route {
  const pattern = new RegExp(`^${template.replace(/\{[a-z_]+\}/g, SEGMENT)}$`);
  return { method, pattern, link: typeof link === 'function' ? link : () => link, handle };
}

export function appOf(ctx: ApiContext, call: ApiCall): AppRecord {
  const app = ctx.account.findApp(call.params[0] ?? '');
  if (!app) throw new HerokuApiError(404, 'not_found', "Couldn't find that app.");
  return app;
}

export function releaseOf(app: AppRecord, idOrVersion: string): ReleaseRecord {
  const release = /^\d+$/.test(idOrVersion)
    ? app.releases.find((candidate) => candidate.version === Number(idOrVersion))
    : app.releases.find((candidate) => candidate.id === idOrVersion);
  if (!release) throw new HerokuApiError(404, 'not_found', "Couldn't find that release.");
  return release;
}
